/**
 * The export stage's options (pure): where reports are stored and the limits on one report.
 * `resolveExporterOptions` applies the defaults; main.ts reads them from the environment.
 */
import type { ReportLimits } from './report-content.ts';

export interface ExporterOptions {
  /** Directory of the stored reports (local storage), relative to the working directory or absolute. @default '.sedano/data/exports' */
  exportDir?: string;
  /** How long a stored report is kept before the retention cleanup removes it, in ms. @default 7 days */
  retentionMs?: number;
  /** Table rows over all sections of one report. @default 20000 */
  maxTableRows?: number;
  /** Columns of one table. @default 20 */
  maxTableColumns?: number;
  /** Sections of one report. @default 500 */
  maxSections?: number;
  /** Charts of one report. @default 40 */
  maxCharts?: number;
  /** Characters of one table cell; longer cells are cut with an ellipsis. @default 500 */
  maxCellCharacters?: number;
}

export interface ResolvedExporterOptions {
  exportDir: string;
  retentionMs: number;
  limits: ReportLimits;
}

export const DEFAULT_EXPORTER_OPTIONS = Object.freeze({
  exportDir: '.sedano/data/exports',
  retentionMs: 7 * 24 * 3_600_000,
  maxTableRows: 20_000,
  maxTableColumns: 20,
  maxSections: 500,
  maxCharts: 40,
  maxCellCharacters: 500,
});

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a whole number above 0, got ${value}`);
  return value;
}

/** The options with their defaults applied; throws naming every option out of range. */
export function resolveExporterOptions(options: ExporterOptions = {}): ResolvedExporterOptions {
  const merged = { ...DEFAULT_EXPORTER_OPTIONS, ...options };
  const problems: string[] = [];
  const check = (name: keyof typeof DEFAULT_EXPORTER_OPTIONS): number => {
    try {
      return positive(name, merged[name] as number);
    } catch (error) {
      problems.push((error as Error).message);
      return 0;
    }
  };
  const resolved: ResolvedExporterOptions = {
    exportDir: merged.exportDir,
    retentionMs: check('retentionMs'),
    limits: {
      maxTableRows: check('maxTableRows'),
      maxTableColumns: check('maxTableColumns'),
      maxSections: check('maxSections'),
      maxCharts: check('maxCharts'),
      maxCellCharacters: check('maxCellCharacters'),
    },
  };
  if (merged.exportDir.trim() === '') problems.push('exportDir must not be empty');
  if (problems.length > 0) throw new RangeError(`invalid exporter options: ${problems.join('; ')}`);
  return resolved;
}
