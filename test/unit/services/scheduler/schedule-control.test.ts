import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScheduleControl } from '../../../../services/scheduler/schedule-control.ts';
import type { ScheduleStore } from '../../../../services/scheduler/schedule-store.ts';
import type { MaintenanceRun } from '../../../../services/scheduler/maintenance-run.ts';
import { resolveSchedules } from '../../../../services/scheduler/schedule.ts';
import { MAINTENANCE_SCHEDULES } from '../../../../topology/schedules.ts';

/** A control over an in-memory store of immediate-run claims, and the runs it emitted. */
function control(failEmits = 0) {
  const claims = new Map<string, string>();
  const recorded: string[] = [];
  const emitted: MaintenanceRun[] = [];
  let failures = failEmits;
  const store = {
    claimImmediateRun: async (name: string, runId: string, jobId: string) => {
      const key = `${name}/${runId}`;
      if (claims.has(key)) return false;
      claims.set(key, jobId);
      return true;
    },
    releaseImmediateRun: async (name: string, runId: string) => void claims.delete(`${name}/${runId}`),
    recordRun: async (_name: string, jobId: string) => void recorded.push(jobId),
  } as unknown as ScheduleStore;
  const scheduleControl = createScheduleControl({
    schedules: resolveSchedules(MAINTENANCE_SCHEDULES),
    store,
    emit: async (run) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('the broker is away');
      }
      emitted.push(run);
    },
    now: () => Date.parse('2026-12-03T01:00:00Z'),
    workerId: null,
  });
  return { scheduleControl, emitted, recorded };
}

test('a repeated immediate run (same run id) is answered with the first, not emitted again', async () => {
  const { scheduleControl, emitted, recorded } = control();
  const first = await scheduleControl.runNow('backup', 'key-1');
  const repeat = await scheduleControl.runNow('backup', 'key-1');
  assert.deepEqual(repeat, { ...first, created: false });
  assert.equal(first.created, true);
  assert.deepEqual(
    emitted.map((run) => run.request.jobId),
    [first.jobId],
    'emitted once: a failed run is not run again under a job that stays FAILURE',
  );
  assert.deepEqual(recorded, [first.jobId], 'the last run does not move for a repeat');
  // Without a run id, each call is a run of its own; another run id too.
  const [a, b] = [await scheduleControl.runNow('backup'), await scheduleControl.runNow('backup')];
  assert.notEqual(a.jobId, b.jobId);
  assert.equal((await scheduleControl.runNow('backup', 'key-2')).created, true);
  assert.equal(emitted.length, 4);
});

test('an immediate run whose emission failed is emitted by the repeat', async () => {
  const { scheduleControl, emitted } = control(1);
  await assert.rejects(scheduleControl.runNow('backup', 'key-1'), /the broker is away/);
  const retried = await scheduleControl.runNow('backup', 'key-1');
  assert.equal(retried.created, true);
  assert.deepEqual(
    emitted.map((run) => run.request.jobId),
    [retried.jobId],
  );
});
