/**
 * Progress of an analysis job as the status event carries it (pure): `current` and `total` in
 * thousandths of a document, so the percent moves within a long document as its sections are
 * read; the details wrap AnalysisProgress by its branch name, as JobProgress expects.
 */
import type { AnalysisProgress } from '../../schemas/analysis-progress.ts';
import type { ProgressDetails } from '../lib/runtime/stage.ts';

export const UNITS_PER_DOCUMENT = 1000;

/** Sections of a document read before its progress starts to be reported section by section. */
export const SECTIONS_PER_REPORT = 25;

export interface AnalysisProgressState extends AnalysisProgress {
  /** How far the current document is, in [0, 1) (estimated from its size). */
  fraction: number;
}

export function analysisProgressReport(
  state: AnalysisProgressState,
  message: string,
): { current: number; total: number; message: string; details: NonNullable<ProgressDetails> } {
  const fraction = Math.min(Math.max(state.fraction, 0), 0.99);
  const { fraction: _fraction, ...details } = state;
  return {
    current: Math.round(Math.min(state.documentsDone + fraction, state.documentsTotal) * UNITS_PER_DOCUMENT),
    total: state.documentsTotal * UNITS_PER_DOCUMENT,
    message,
    details: { 'sedano.AnalysisProgress': details },
  };
}
