import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExporterStage } from '../../../../services/exporter/exporter-stage.ts';
import { DEFAULT_EXPORT_DIR, resolveExporterSettings } from '../../../../services/exporter/exporter-settings.ts';

test('settings default to the repository data directory, a week of retention and the status view', () => {
  const settings = resolveExporterSettings({});
  assert.equal(settings.options.exportDir, DEFAULT_EXPORT_DIR);
  assert.equal(settings.options.retentionMs, 7 * 86_400_000);
  assert.equal(settings.options.limits.maxTableRows, 20_000);
  assert.equal(settings.statusViewNamespace, 'status');
});

test('settings read the environment and name every bad value at once', () => {
  const settings = resolveExporterSettings({
    SEDANO_EXPORT_DIR: '/srv/exports',
    SEDANO_EXPORT_RETENTION_HOURS: '24',
    SEDANO_EXPORT_MAX_TABLE_ROWS: '500',
    SEDANO_STATUS_VIEW_NAMESPACE: 'test-view',
  });
  assert.equal(settings.options.exportDir, '/srv/exports');
  assert.equal(settings.options.retentionMs, 86_400_000);
  assert.equal(settings.options.limits.maxTableRows, 500);
  assert.equal(settings.statusViewNamespace, 'test-view');
  assert.throws(
    () =>
      resolveExporterSettings({
        SEDANO_EXPORT_DIR: 'relative/dir',
        SEDANO_EXPORT_RETENTION_HOURS: '0',
        SEDANO_STATUS_VIEW_NAMESPACE: 'a b',
      }),
    /SEDANO_EXPORT_DIR.*SEDANO_EXPORT_RETENTION_HOURS.*SEDANO_STATUS_VIEW_NAMESPACE/,
  );
});

test('the stage runs its handler module in threads, two reports at once by default', () => {
  const stage = createExporterStage({ threads: { size: 1 } });
  assert.equal(stage.stage, 'export');
  assert.ok(stage.handlerModule?.href.endsWith('/services/exporter/handler.ts'));
  assert.equal(stage.options?.concurrency, 2);
  assert.deepEqual(stage.options?.threads, { maxJobsPerThread: 100, maxHeapMb: 768, size: 1 });
});
