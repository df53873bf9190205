/**
 * Progress of an export job as the status event carries it (pure): four phases on a scale
 * of 1000 — content (0–50), charts (50–200, per chart), layout (200–900, per page drawn) and
 * writing (900–1000) — with ExportProgress details naming the phase and the pages.
 */
import type { ExportProgress } from '../../schemas/export-progress.ts';
import type { ProgressDetails } from '../lib/runtime/stage.ts';

/** The rendering phases, in order. */
export type ExportPhase = 'content' | 'charts' | 'layout' | 'writing';

export const EXPORT_PROGRESS_TOTAL = 1000;

const PHASE_SPANS: Record<ExportPhase, [number, number]> = {
  content: [0, 50],
  charts: [50, 200],
  layout: [200, 900],
  writing: [900, 1000],
};

export interface ExportProgressReport {
  current: number;
  total: number;
  message: string;
  details: NonNullable<ProgressDetails>;
}

/** The progress at `fraction` (0–1) of `phase`, with the pages laid out so far. */
export function exportProgressReport(
  phase: ExportPhase,
  fraction: number,
  message: string,
  pages: { page: number; pages: number } = { page: 0, pages: 0 },
): ExportProgressReport {
  const [from, to] = PHASE_SPANS[phase];
  const clamped = Math.min(Math.max(Number.isFinite(fraction) ? fraction : 0, 0), 1);
  const details: ExportProgress = { phase, page: pages.page, pages: pages.pages };
  return {
    current: Math.round(from + (to - from) * clamped),
    total: EXPORT_PROGRESS_TOTAL,
    message,
    details: { 'sedano.ExportProgress': details },
  };
}
