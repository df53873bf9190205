/**
 * The maintenance worker's settings (services/lib/settings.ts): the shared base, where backups
 * and export files are and how long they are kept, and the cache cleanup's ages. The vector
 * store's settings come with it through the indexer's port when main.ts is written.
 */
import { baseSettings, defineSettings, type ResolvedSettings, setting } from '../lib/settings.ts';

export const maintenanceSettings = defineSettings({
  ...baseSettings,
  backupDir: setting.string('SEDANO_BACKUP_DIR', {
    description: 'where backups are written (one directory per backup, with its manifest)',
    default: '.sedano/backups',
  }),
  backupKeepDaily: setting.integer('SEDANO_BACKUP_KEEP_DAILY', {
    description: 'backups kept: the newest of each of this many most recent days',
    default: 7,
    minimum: 1,
  }),
  backupKeepWeekly: setting.integer('SEDANO_BACKUP_KEEP_WEEKLY', {
    description: 'backups kept besides: the newest of each of this many most recent ISO weeks',
    default: 4,
    minimum: 0,
  }),
  exportDir: setting.string('SEDANO_EXPORT_DIR', {
    description: 'where the export stage writes its files (the cache cleanup removes those past their retention)',
    default: '.sedano/exports',
  }),
  exportRetention: setting.duration('SEDANO_EXPORT_RETENTION', {
    description: 'how long export files are kept',
    default: '30d',
    minimumMs: 1,
  }),
  embeddingCacheMaxAge: setting.duration('SEDANO_EMBEDDING_CACHE_MAX_AGE', {
    description: 'cached embeddings older than this are removed by the cache cleanup',
    default: '7d',
    minimumMs: 1,
  }),
  workerGoneAfter: setting.duration('SEDANO_WORKER_GONE_AFTER', {
    description: 'a worker silent for this long has its presence entries removed by the cache cleanup',
    default: '1d',
    minimumMs: 1,
  }),
});

export type MaintenanceSettings = ResolvedSettings<typeof maintenanceSettings>;
