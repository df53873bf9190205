/**
 * Progress of an export job as the status event carries it (pure): four phases on a scale
 * of 1000 — content (0–50), charts (50–200, per chart), layout (200–650, per page laid out)
 * and writing (650–1000, per page drawn into the PDF, then the file stored) — with
 * ExportProgress details naming the phase and the pages. While pages are laid out their total
 * is not known yet: the layout's fraction is taken from an estimate (estimatedPages) and held
 * below its end until layout is done.
 */
import type { ExportProgress } from '../../schemas/export-progress.ts';
import type { ProgressDetails } from '../lib/runtime/stage.ts';
import type { ReportContent } from './report-content.ts';

/** The rendering phases, in order. */
export type ExportPhase = 'content' | 'charts' | 'layout' | 'writing';

export const EXPORT_PROGRESS_TOTAL = 1000;

const PHASE_SPANS: Record<ExportPhase, [number, number]> = {
  content: [0, 50],
  charts: [50, 200],
  layout: [200, 650],
  writing: [650, 1000],
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

/** Table rows an A4 page of a report holds, about (9 pt cells). */
const ROWS_PER_PAGE = 37;

/** About how many pages `content` lays out as, for the layout's progress before the total is known. */
export function estimatedPages(content: ReportContent, charts: number): number {
  const rows = content.sections.reduce((sum, section) => sum + (section.table?.rows.length ?? 0), 0);
  const financialPages = content.financials === null ? 0 : 1.5;
  return Math.max(
    2,
    Math.ceil(1 + financialPages + content.sections.length * 0.25 + rows / ROWS_PER_PAGE + charts * 0.45),
  );
}

/** How far the layout is after `page` pages, by the estimate, never past 95% before it ends. */
export function layoutFraction(page: number, estimate: number): number {
  return Math.min(page / Math.max(estimate, 1), 0.95);
}
