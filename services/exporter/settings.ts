/**
 * The exporter worker's settings (services/lib/settings.ts): the shared base, where reports are
 * stored and for how long, the limits on one report, and how many render at once. main.ts
 * resolves them once; the worker threads get what they need as the stage's `handlerData`
 * (`exporterThreadSettings`), since threads never read the environment.
 */
import { baseSettings, defineSettings, type ResolvedSettings, setting } from '../lib/settings.ts';
import { DEFAULT_EXPORTER_OPTIONS } from './exporter-options.ts';
import type { ReportLimits } from './report-content.ts';
import { exportDirSetting, exportRetentionSetting } from './storage/export-storage.ts';

export const exporterSettings = defineSettings({
  ...baseSettings,
  concurrency: setting.integer('SEDANO_EXPORTER_CONCURRENCY', {
    description: 'reports one exporter process renders at once, one per worker thread',
    default: 2,
    minimum: 1,
    maximum: 32,
  }),
  exportDir: exportDirSetting,
  retentionMs: exportRetentionSetting,
  maxTableRows: setting.integer('SEDANO_EXPORT_MAX_TABLE_ROWS', {
    description: 'table rows one report may hold over all its sections (more: the job fails, not retried)',
    default: DEFAULT_EXPORTER_OPTIONS.maxTableRows,
    minimum: 1,
    maximum: 1_000_000,
  }),
});

export type ExporterSettings = ResolvedSettings<typeof exporterSettings>;

/** What an export thread builds its collaborators from (structured-cloneable). */
export interface ExporterThreadSettings {
  /** Absolute directory of the stored reports. */
  exportDir: string;
  limits: ReportLimits;
  /** Redis of the status view `analysisJobId` is read from. */
  redisUrl: string;
  /** The namespace whose status view the thread reads. */
  namespace: string;
}

/** The threads' settings from the resolved ones. */
export function exporterThreadSettings(settings: ExporterSettings): ExporterThreadSettings {
  const { maxTableRows } = settings;
  return {
    exportDir: settings.exportDir,
    limits: {
      maxTableRows,
      maxTableColumns: DEFAULT_EXPORTER_OPTIONS.maxTableColumns,
      maxSections: DEFAULT_EXPORTER_OPTIONS.maxSections,
      maxCharts: DEFAULT_EXPORTER_OPTIONS.maxCharts,
      maxCellCharacters: DEFAULT_EXPORTER_OPTIONS.maxCellCharacters,
    },
    redisUrl: settings.redisUrl,
    namespace: settings.namespace,
  };
}
