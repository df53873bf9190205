/**
 * Every scheduler stopped across several slots, then one restarted: the missed slots are
 * fired as each schedule's policy says (skip none, latest the most recent once, all up to the
 * bound), each run expiring at its next slot unless the policy is all; then pause, resume and
 * an immediate run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { ScheduleDeclaration } from '../../../../topology/schedules.ts';
import { createScheduleStore } from '../../../../services/scheduler/schedule-store.ts';
import type { SchedulerOptions } from '../../../../services/scheduler/scheduler-options.ts';
import { startScheduler } from '../../../../services/scheduler/scheduler.ts';
import { onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { bySlot, schedulerSandbox, type SchedulerSandbox } from './scheduler-harness.ts';

const PERIOD_MS = 2_000;
const TOLERANCE_MS = 500;

function startOne(
  t: test.TestContext,
  sandbox: SchedulerSandbox,
  schedules: readonly ScheduleDeclaration[],
  extra: Partial<SchedulerOptions> = {},
) {
  return startScheduler({
    redis: sandbox.redis,
    producer: sandbox.producer,
    codec: sandbox.codec,
    logger: pino({ level: 'silent' }),
    keys: sandbox.keys.schedules,
    maintenanceTopic: sandbox.maintenanceTopic,
    statusTopic: sandbox.statusTopic,
    schedules,
    overrides: Object.fromEntries(schedules.map((schedule) => [schedule.name, { maxMissedSlots: 2 }])),
    lateToleranceMs: TOLERANCE_MS,
    claimLeaseMs: 2_000,
    pollIntervalMs: 200,
    ...extra,
  }).then((scheduler) => {
    onCleanup(t, () => scheduler.close());
    return scheduler;
  });
}

test(
  'after every scheduler was down across slots, a restarted one applies each schedule’s missed-slot policy',
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const schedules = (['skip', 'latest', 'all'] as const).map((policy) => ({
      name: uniqueName(policy),
      task: 'CACHE_CLEANUP' as const,
      cron: '*/2 * * * * *',
      missedSlots: policy,
    }));
    const store = createScheduleStore(sandbox.redis, sandbox.keys.schedules);
    const firedOf = async (name: string) => [
      ...bySlot((await sandbox.requests()).filter((r) => r.scheduleName === name)).keys(),
    ];

    const before = await startOne(t, sandbox, schedules);
    await waitFor(
      async () => (await Promise.all(schedules.map((s) => firedOf(s.name)))).every((slots) => slots.length >= 1),
      {
        description: 'each schedule fired a slot',
        timeoutMs: 15_000,
      },
    );
    await before.close();
    const lastBefore = new Map(
      await Promise.all(schedules.map(async (s) => [s.name, (await store.state(s.name)).cursorMs!] as const)),
    );

    // Down across three slots, back between two slots so no slot is on time at the restart.
    const latestLast = Math.max(...lastBefore.values());
    const restartAt = await waitFor(
      () => {
        const now = Date.now();
        return now > latestLast + 3 * PERIOD_MS + 900 && now % PERIOD_MS >= 800 && now % PERIOD_MS <= 1_200 && now;
      },
      { description: 'three slots missed', timeoutMs: 20_000, intervalMs: 20 },
    );
    await startOne(t, sandbox, schedules);
    const firstOnTime = Math.ceil(restartAt / PERIOD_MS) * PERIOD_MS;
    await waitFor(
      async () =>
        (await Promise.all(schedules.map((s) => firedOf(s.name)))).every((slots) => slots.includes(firstOnTime)),
      {
        description: 'each schedule fired its first slot after the restart',
        timeoutMs: 15_000,
      },
    );
    for (const schedule of schedules) {
      const last = lastBefore.get(schedule.name)!;
      const missed: number[] = [];
      for (let slot = last + PERIOD_MS; slot < restartAt; slot += PERIOD_MS) missed.push(slot);
      assert.ok(missed.length >= 3, `${schedule.name}: three slots or more were missed`);
      const fired = (await firedOf(schedule.name)).filter((slot) => slot > last && slot < restartAt);
      const expected = { skip: [], latest: missed.slice(-1), all: missed.slice(-2) }[schedule.missedSlots];
      assert.deepEqual(fired, expected, `${schedule.missedSlots}: missed slots fired`);
      const all = bySlot((await sandbox.requests()).filter((r) => r.scheduleName === schedule.name));
      for (const [slot, runs] of all) {
        assert.equal(runs.length, 1, `${schedule.name} slot ${slot} fired once`);
        // skip and latest never catch up, so a run not taken by its next slot expires then; all keeps each.
        const expiresAt = schedule.missedSlots === 'all' ? null : slot + PERIOD_MS;
        assert.equal(runs[0]?.expiresAt, expiresAt, `${schedule.missedSlots}: slot ${slot}'s run expiry`);
      }
    }
  },
);

test(
  'a missed slot whose next slot is also due now is superseded, not fired already expired',
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const schedule = { name: uniqueName('minutely'), task: 'CACHE_CLEANUP' as const, cron: '* * * * *' };
    const store = createScheduleStore(sandbox.redis, sandbox.keys.schedules);
    // Schedulers back 10 s after a minute's slot, having missed the ones before: the latest missed
    // slot (a minute earlier) and the on-time one are both due, and the on-time one supersedes it.
    const minute = 60_000;
    const onTime = Math.floor(Date.now() / minute) * minute - 5 * minute;
    await store.advanceCursor(schedule.name, onTime - 5 * minute);
    await startOne(t, sandbox, [schedule], { lateToleranceMs: minute, now: () => onTime + 10_000 });
    const fired = await waitFor(
      async () => {
        const requests = (await sandbox.requests()).filter((request) => request.scheduleName === schedule.name);
        return requests.length > 0 && requests;
      },
      { description: 'the on-time slot fired', timeoutMs: 15_000 },
    );
    assert.deepEqual(
      fired.map((request) => [request.slotTime, request.expiresAt]),
      [[onTime, onTime + minute]],
      'only the on-time slot, expiring at its next slot',
    );
    assert.equal((await store.state(schedule.name)).cursorMs, onTime, 'the cursor is the newest slot fired');
  },
);

test(
  'a paused schedule fires nothing, resumes without catching up, and runs at once on demand',
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const schedule = {
      name: uniqueName('pausable'),
      task: 'BACKUP' as const,
      cron: '* * * * * *',
      missedSlots: 'all' as const,
    };
    const scheduler = await startOne(t, sandbox, [schedule], { lateToleranceMs: 5_000 });
    const fired = async () => [
      ...bySlot((await sandbox.requests()).filter((r) => !r.idempotencyKey.includes(':run:'))).keys(),
    ];
    await waitFor(async () => (await fired()).length >= 1, { description: 'a first slot', timeoutMs: 10_000 });
    await scheduler.pause(schedule.name);
    const pausedAt = Date.now();
    assert.deepEqual((await scheduler.list())[0]?.nextSlotsMs, []);
    assert.equal((await scheduler.list())[0]?.paused, true);
    await waitFor(() => Date.now() > pausedAt + 3_000 && true, {
      description: 'three slots paused',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    await scheduler.resume(schedule.name);
    const resumedAt = Date.now();
    await waitFor(async () => (await fired()).some((slot) => slot > resumedAt), {
      description: 'a slot after resuming',
      timeoutMs: 10_000,
    });
    const duringPause = (await fired()).filter((slot) => slot > pausedAt + 1_000 && slot <= resumedAt);
    assert.deepEqual(duringPause, [], 'no slot of the pause fired, even with the all policy');

    const run = await scheduler.runNow(schedule.name, 'manual-1');
    assert.equal(run.idempotencyKey, `schedule:${schedule.name}:run:manual-1`);
    await waitFor(async () => (await sandbox.requests()).some((r) => r.jobId === run.jobId), {
      description: 'the immediate run',
      timeoutMs: 10_000,
    });
    const [status] = await scheduler.list();
    assert.equal(status?.paused, false);
    assert.equal(status?.nextSlotsMs.length, 3);
    assert.ok(status?.lastRun, 'the last run is known');
    await assert.rejects(scheduler.runNow('no-such-schedule'), { code: 'SEDANO_ERR_SCHEDULE_NOT_FOUND' });
  },
);
