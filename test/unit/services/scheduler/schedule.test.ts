import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSchedules } from '../../../../services/scheduler/schedule.ts';
import { resolveSchedulerOptions } from '../../../../services/scheduler/scheduler-options.ts';
import { MAINTENANCE_SCHEDULES } from '../../../../topology/schedules.ts';

test('the declared schedules resolve with UTC and the latest policy; only the weekly report never expires', () => {
  const schedules = resolveSchedules(MAINTENANCE_SCHEDULES);
  assert.deepEqual(
    schedules.map(({ name, cron, timeZone, missedSlots, expiresAtNextSlot }) => [
      name,
      cron,
      timeZone,
      missedSlots,
      expiresAtNextSlot,
    ]),
    [
      ['cache-cleanup', '0 */6 * * *', 'UTC', 'latest', true],
      ['vector-index-optimisation', '0 3 * * *', 'UTC', 'latest', true],
      ['backup', '0 2 * * *', 'UTC', 'latest', true],
      // Each run reports the week before its own slot: a later run does not do its work.
      ['weekly-report', '0 8 * * 1', 'UTC', 'latest', false],
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
    expiresAtNextSlot: true,
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

test('an override with a field it does not take, or of the wrong type, is refused, not ignored', () => {
  const problems = (overrides: Record<string, Record<string, unknown>>) => {
    try {
      resolveSchedules(MAINTENANCE_SCHEDULES, overrides);
      return [];
    } catch (error) {
      assert.equal((error as Error & { code?: string }).code, 'SEDANO_ERR_SCHEDULE_INVALID');
      return (error as Error).message.split('\n').slice(1);
    }
  };
  // A misspelt field would leave the schedule as declared without a word.
  assert.deepEqual(problems({ backup: { crn: '30 1 * * *' } }), [
    'schedules.backup.crn: no such field (a schedule takes cron, timeZone, missedSlots, maxMissedSlots, enabled)',
  ]);
  // "false" as a string would leave it enabled.
  assert.deepEqual(problems({ backup: { enabled: 'false' } }), [
    'schedules.backup.enabled: expected true or false, got "false"',
  ]);
  // An empty zone would be the host's.
  assert.match(
    problems({ backup: { timeZone: '' } })[0] ?? '',
    /^schedules\.backup\.timeZone: expected a non-empty string/,
  );
  // 30 February: a schedule that would never run.
  assert.deepEqual(problems({ backup: { cron: '0 0 30 2 *' } }), [
    'schedules.backup: cron "0 0 30 2 *" never fires (no such date)',
  ]);
  // A bound a scheduler would walk for seconds on its event loop.
  assert.match(
    problems({ backup: { maxMissedSlots: 100_000 } })[0] ?? '',
    /maxMissedSlots: expected a whole number from 1 to 1000, got 100000/,
  );
  assert.deepEqual(problems({ backup: { maxMissedSlots: 1000, enabled: true } }), []);
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
