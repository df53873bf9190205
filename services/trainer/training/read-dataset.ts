/**
 * Reads a training dataset: a CSV file (with a header naming `text` and `label` columns) or
 * JSON Lines (`.jsonl`/`.ndjson`, one `{"text": …, "label": …}` object a line), found under the
 * document roots with the indexer's safe resolution (nothing outside the roots is read).
 * The file is streamed and bounded: its size is checked before reading, and the example
 * count and text length while reading, each failing with SEDANO_ERR_TRAINING_DATASET_TOO_LARGE;
 * a malformed row fails with SEDANO_ERR_TRAINING_DATASET_INVALID naming it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { SedanoError, isSedanoError, type ErrorCode } from '../../lib/errors.ts';
import { resolveDocument } from '../../indexer/document-access.ts';
import type { SourcedExample } from './labelled-set.ts';

/** The bounds of what a run reads. */
export interface DatasetLimits {
  /** Largest dataset file, in bytes. */
  maxDatasetBytes: number;
  /** Most examples of a run, inline and dataset together. */
  maxExamples: number;
  /** Longest text of an example, in characters. */
  maxTextChars: number;
}

/** What was read, with the examples already taken (inline ones) counted against the limit. */
export interface DatasetReadOptions {
  roots: readonly string[];
  limits: DatasetLimits;
  /** Examples the run already has (inline), counted against maxExamples. */
  alreadyCounted: number;
  signal?: AbortSignal;
}

/** The examples of the dataset at `uri`, each named by its row (`tickets.csv row 12`). */
export async function readDataset(uri: string, options: DatasetReadOptions): Promise<SourcedExample[]> {
  const resolved = await resolveDocument({ documentId: null, uri }, options.roots);
  const format = datasetFormat(uri, resolved.path);
  const { size } = await stat(resolved.path);
  if (size > options.limits.maxDatasetBytes) {
    fail(
      'SEDANO_ERR_TRAINING_DATASET_TOO_LARGE',
      `datasetUri "${uri}" is ${size} bytes, more than the limit of ${options.limits.maxDatasetBytes}`,
    );
  }
  const examples: SourcedExample[] = [];
  const add = (row: number, text: unknown, label: unknown): void => {
    const source = `datasetUri "${uri}" row ${row}`;
    if (typeof text !== 'string' || typeof label !== 'string') {
      fail('SEDANO_ERR_TRAINING_DATASET_INVALID', `${source}: "text" and "label" must both be strings`);
    }
    checkBounds(source, text, options.alreadyCounted + examples.length + 1, options.limits);
    examples.push({ text, label, source });
    if (examples.length % 1000 === 0) options.signal?.throwIfAborted();
  };
  try {
    if (format === 'csv') await readCsv(resolved.path, uri, add);
    else await readJsonLines(resolved.path, uri, add);
  } catch (error) {
    if (isSedanoError(error) || options.signal?.aborted === true) throw error;
    fail('SEDANO_ERR_TRAINING_DATASET_INVALID', `datasetUri "${uri}" cannot be read: ${(error as Error).message}`);
  }
  return examples;
}

/** Refuses an example past the count limit or with a text past the length limit. */
export function checkBounds(source: string, text: string, count: number, limits: DatasetLimits): void {
  if (count > limits.maxExamples) {
    fail('SEDANO_ERR_TRAINING_DATASET_TOO_LARGE', `${source}: more than ${limits.maxExamples} examples`);
  }
  if (text.length > limits.maxTextChars) {
    fail(
      'SEDANO_ERR_TRAINING_DATASET_TOO_LARGE',
      `${source}: the text has ${text.length} characters, more than ${limits.maxTextChars}`,
    );
  }
}

function datasetFormat(uri: string, path: string): 'csv' | 'jsonl' {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return fail(
    'SEDANO_ERR_TRAINING_DATASET_INVALID',
    `datasetUri "${uri}": unknown format "${extension}" (expected .csv, .jsonl or .ndjson)`,
  );
}

type AddRow = (row: number, text: unknown, label: unknown) => void;

async function readCsv(path: string, uri: string, add: AddRow): Promise<void> {
  const parser = createReadStream(path).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, info: true }));
  let checkedHeader = false;
  for await (const entry of parser as AsyncIterable<{ record: Record<string, unknown>; info: { lines: number } }>) {
    if (!checkedHeader) {
      const missing = ['text', 'label'].filter((column) => !(column in entry.record));
      if (missing.length > 0) {
        fail(
          'SEDANO_ERR_TRAINING_DATASET_INVALID',
          `datasetUri "${uri}": the header has no ${missing.join(' and ')} column`,
        );
      }
      checkedHeader = true;
    }
    add(entry.info.lines, entry.record['text'], entry.record['label']);
  }
}

async function readJsonLines(path: string, uri: string, add: AddRow): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      fail(
        'SEDANO_ERR_TRAINING_DATASET_INVALID',
        `datasetUri "${uri}" row ${row}: not JSON (${(error as Error).message})`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail('SEDANO_ERR_TRAINING_DATASET_INVALID', `datasetUri "${uri}" row ${row}: not a JSON object`);
    }
    const record = value as Record<string, unknown>;
    add(row, record['text'], record['label']);
  }
}

function fail(code: ErrorCode, message: string): never {
  throw new SedanoError(code, message, { retriable: false });
}
