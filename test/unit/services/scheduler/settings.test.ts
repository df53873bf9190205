import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSettings } from '../../../../services/lib/settings.ts';
import { maintenanceSettings } from '../../../../services/maintenance/settings.ts';
import { parseScheduleOverrides, schedulerSettings } from '../../../../services/scheduler/settings.ts';

test('schedule overrides are a JSON object of objects', () => {
  assert.deepEqual(parseScheduleOverrides('{"backup": {"cron": "30 1 * * *"}}'), { backup: { cron: '30 1 * * *' } });
  for (const bad of ['[]', '{"backup": 3}', 'nope', 'null']) assert.equal(parseScheduleOverrides(bad), undefined, bad);
});

test('the scheduler and maintenance settings resolve with their defaults', () => {
  const scheduler = resolveSettings(schedulerSettings, {});
  assert.deepEqual(scheduler.schedules, {});
  assert.deepEqual([scheduler.lateTolerance, scheduler.claimLease, scheduler.pollInterval], [60_000, 30_000, 1_000]);
  const maintenance = resolveSettings(maintenanceSettings, { SEDANO_BACKUP_KEEP_DAILY: '3' });
  assert.equal(maintenance.backupKeepDaily, 3);
  assert.equal(maintenance.exportRetention, 30 * 86_400_000);
  assert.equal(maintenance.backupDir, '.sedano/backups');
});
