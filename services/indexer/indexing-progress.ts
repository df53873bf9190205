/**
 * Progress of an indexing job as the status event carries it (pure). `current` and `total`
 * are in thousandths of a document, so the percent moves within a long document too:
 * `total` is documentsTotal × 1000 and `current` is (documents done + the fraction of the
 * current one) × 1000. The details wrap IndexingProgress by its branch name, as JobProgress
 * expects.
 */
import type { IndexingProgress } from '../../schemas/indexing-progress.ts';
import type { ProgressDetails } from '../lib/runtime/stage.ts';

/** Progress units per document. */
export const UNITS_PER_DOCUMENT = 1000;

/** How far into a document the chunking may claim to be before its chunks are written. */
const MAX_FRACTION_BEFORE_WRITE = 0.9;

export interface IndexingProgressReport {
  current: number;
  total: number;
  message: string;
  details: NonNullable<ProgressDetails>;
}

export interface IndexingProgressState extends IndexingProgress {
  /** How far the current document is, in [0, 1]. */
  fraction: number;
}

/** The status event's progress for `state`, with a message saying what is happening. */
export function indexingProgressReport(state: IndexingProgressState, message: string): IndexingProgressReport {
  const fraction = Math.min(Math.max(state.fraction, 0), 1);
  const done = Math.min(state.documentsDone + fraction, state.documentsTotal);
  const { fraction: _fraction, ...details } = state;
  return {
    current: Math.round(done * UNITS_PER_DOCUMENT),
    total: state.documentsTotal * UNITS_PER_DOCUMENT,
    message,
    details: { 'sedano.IndexingProgress': details },
  };
}

/**
 * How far the chunking of a document is, estimated from the characters chunked so far and
 * the file's size (the number of sections is unknown until the last one is parsed), capped
 * below 1 because writing the chunks is still to come. Text formats come close to their byte
 * count; compressed ones (PDF, DOCX, XLSX) under-report, then jump when written.
 */
export function chunkingFraction(charactersChunked: number, byteLength: number): number {
  if (byteLength <= 0) return 0;
  return Math.min(charactersChunked / byteLength, MAX_FRACTION_BEFORE_WRITE);
}
