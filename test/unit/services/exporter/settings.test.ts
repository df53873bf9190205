import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExporterStage } from '../../../../services/exporter/exporter-stage.ts';
import { exporterSettings, exporterThreadSettings } from '../../../../services/exporter/settings.ts';
import { DEFAULT_EXPORT_DIR } from '../../../../services/exporter/storage/export-storage.ts';
import { resolveSettings, SettingsError } from '../../../../services/lib/settings.ts';

test('settings default to the repository data directory, 30 days of retention and 20,000 rows', () => {
  const settings = resolveSettings(exporterSettings, {});
  assert.equal(settings.exportDir, DEFAULT_EXPORT_DIR);
  assert.equal(settings.retentionMs, 30 * 86_400_000);
  assert.equal(settings.concurrency, 2);
  const thread = exporterThreadSettings(settings);
  assert.equal(thread.limits.maxTableRows, 20_000);
  assert.equal(thread.namespace, 'sedano');
  assert.deepEqual(structuredClone(thread), thread, 'the threads get them by structured clone');
});

test('settings read the environment and name every bad value at once', () => {
  const settings = resolveSettings(exporterSettings, {
    SEDANO_EXPORT_DIR: '/srv/exports',
    SEDANO_EXPORT_RETENTION: '36',
    SEDANO_EXPORT_MAX_TABLE_ROWS: '500',
    SEDANO_NAMESPACE: 'staging',
  });
  assert.equal(settings.exportDir, '/srv/exports');
  assert.equal(settings.retentionMs, 36 * 3_600_000, 'a bare number is in hours');
  assert.equal(exporterThreadSettings(settings).limits.maxTableRows, 500);
  assert.equal(exporterThreadSettings(settings).namespace, 'staging');
  assert.throws(
    () =>
      resolveSettings(exporterSettings, {
        SEDANO_EXPORT_DIR: 'relative/dir',
        SEDANO_EXPORT_RETENTION: 'soon',
        SEDANO_EXPORT_MAX_TABLE_ROWS: '0',
      }),
    (error: unknown) =>
      error instanceof SettingsError &&
      /SEDANO_EXPORT_DIR/.test(error.message) &&
      /SEDANO_EXPORT_RETENTION/.test(error.message) &&
      /SEDANO_EXPORT_MAX_TABLE_ROWS/.test(error.message),
  );
});

test('the stage runs its handler module in threads with the settings as handler data', () => {
  const settings = exporterThreadSettings(resolveSettings(exporterSettings, {}));
  const stage = createExporterStage(settings, { threads: { size: 1 } });
  assert.equal(stage.stage, 'export');
  assert.ok(stage.handlerModule?.href.endsWith('/services/exporter/handler.ts'));
  assert.equal(stage.handlerData, settings);
  assert.equal(stage.options?.concurrency, 2);
  assert.deepEqual(stage.options?.threads, { maxJobsPerThread: 100, maxHeapMb: 768, size: 1 });
});
