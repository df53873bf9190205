import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSchedules } from '../../../../services/scheduler/schedule.ts';
import { resolveSchedulerOptions } from '../../../../services/scheduler/scheduler-options.ts';
import { MAINTENANCE_SCHEDULES } from '../../../../topology/schedules.ts';

test('the declared schedules resolve with UTC and the latest policy', () => {
  const schedules = resolveSchedules(MAINTENANCE_SCHEDULES);
  assert.deepEqual(
    schedules.map(({ name, cron, timeZone, missedSlots }) => [name, cron, timeZone, missedSlots]),
    [
      ['cache-cleanup', '0 */6 * * *', 'UTC', 'latest'],
      ['vector-index-optimisation', '0 3 * * *', 'UTC', 'latest'],
      ['backup', '0 2 * * *', 'UTC', 'latest'],
      ['weekly-report', '0 8 * * 1', 'UTC', 'latest'],
    ],
  );
});

test('overrides change a schedule or disable it', () => {
  const schedules = resolveSchedules(MAINTENANCE_SCHEDULES, {
    backup: { cron: '30 1 * * *', timeZone: 'Europe/Rome', missedSlots: 'all', maxMissedSlots: 2 },
    'weekly-report': { enabled: false },
  });
  const backup = schedules.find((schedule) => schedule.name === 'backup');
  assert.deepEqual(backup, {
    name: 'backup',
    task: 'BACKUP',
    cron: '30 1 * * *',
    timeZone: 'Europe/Rome',
    missedSlots: 'all',
    maxMissedSlots: 2,
  });
  assert.equal(
    schedules.some((schedule) => schedule.name === 'weekly-report'),
    false,
  );
});

test('every bad schedule field is reported at once, with a code', () => {
  assert.throws(
    () =>
      resolveSchedules(MAINTENANCE_SCHEDULES, {
        backup: { cron: '61 2 * * *' },
        'cache-cleanup': { timeZone: 'Mars/Olympus', maxMissedSlots: 0 },
        nightly: { cron: '0 0 * * *' },
      }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SEDANO_ERR_SCHEDULE_INVALID');
      for (const part of [
        'schedules.backup: cron',
        'Mars/Olympus',
        'cache-cleanup.maxMissedSlots',
        'schedules.nightly',
      ]) {
        assert.match(error.message, new RegExp(part.replace(/[.]/g, '\\.')));
      }
      return true;
    },
  );
});

test('scheduler options get their defaults, and bad durations are reported', () => {
  const options = resolveSchedulerOptions({});
  assert.equal(options.lateToleranceMs, 60_000);
  assert.equal(options.claimLeaseMs, 30_000);
  assert.equal(options.schedules.length, 4);
  assert.throws(
    () => resolveSchedulerOptions({ claimLeaseMs: -1, pollIntervalMs: 0 }),
    /claimLeaseMs: expected a positive whole number[\s\S]*pollIntervalMs/,
  );
});
