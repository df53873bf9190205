import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobStatusEventContract } from '../../../../schemas/job-status-event.ts';
import { maintenanceRequestContract } from '../../../../schemas/maintenance-request.ts';
import { validationProblems } from '../../../../services/lib/codec.ts';
import { maintenanceRun } from '../../../../services/scheduler/maintenance-run.ts';
import { immediateRunKey, slotIdempotencyKey } from '../../../../services/scheduler/slot-identity.ts';

const slot = Date.parse('2026-03-29T01:00:00Z');
const schedule = { name: 'backup', task: 'BACKUP' } as const;

test("a slot's job id and key are functions of the schedule and the slot only", () => {
  const first = maintenanceRun(schedule, slot, slotIdempotencyKey('backup', slot), slot + 10, 'a');
  const second = maintenanceRun(schedule, slot, slotIdempotencyKey('backup', slot), slot + 900, 'b');
  assert.equal(first.request.jobId, second.request.jobId);
  assert.equal(first.request.idempotencyKey, 'schedule:backup:2026-03-29T01:00:00.000Z');
  const other = maintenanceRun(schedule, slot + 1000, slotIdempotencyKey('backup', slot + 1000), slot, 'a');
  assert.notEqual(other.request.jobId, first.request.jobId);
  const renamed = maintenanceRun(schedule, slot, slotIdempotencyKey('backup-2', slot), slot, 'a');
  assert.notEqual(renamed.request.jobId, first.request.jobId);
});

test('an immediate run has its own key, never a slot’s', () => {
  const run = maintenanceRun(schedule, slot, immediateRunKey('backup', 'r1'), slot, null);
  assert.equal(run.request.idempotencyKey, 'schedule:backup:run:r1');
  assert.notEqual(
    run.request.jobId,
    maintenanceRun(schedule, slot, slotIdempotencyKey('backup', slot), slot, null).request.jobId,
  );
});

test('the request and its PENDING event satisfy their contracts', () => {
  const { request, pending } = maintenanceRun(schedule, slot, slotIdempotencyKey('backup', slot), slot + 5, 'sched-1');
  assert.deepEqual(validationProblems(maintenanceRequestContract, request), []);
  assert.deepEqual(validationProblems(jobStatusEventContract, pending), []);
  assert.equal(pending.jobId, request.jobId);
  assert.deepEqual(
    [pending.state, pending.stage, pending.jobType, pending.sequence],
    ['PENDING', 'MAINTENANCE', 'MAINTENANCE', 0],
  );
});
