/**
 * The maintenance worker's settings (services/lib/settings.ts): the shared base, where backups
 * and export files are and how long they are kept, and the cache cleanup's ages. The vector
 * store's settings come with it through the indexer's port when main.ts is written.
 */
import { exportDirSetting, exportRetentionSetting } from '../exporter/storage/export-storage.ts';
import { vectorStoreSettings } from '../indexer/store-access.ts';
import { baseSettings, defineSettings, type ResolvedSettings, setting } from '../lib/settings.ts';
import { modelDirSetting } from '../trainer/model-catalog.ts';

export const maintenanceSettings = defineSettings({
  ...baseSettings,
  ...vectorStoreSettings,
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
  // The trainer's setting: the backup copies the model registry's files from there.
  modelDir: modelDirSetting,
  // Declared once with the exporter's storage port: the export stage writes there, the gateway serves from there.
  exportDir: exportDirSetting,
  exportRetention: exportRetentionSetting,
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
