import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobStatusEventContract } from '../../../../schemas/job-status-event.ts';
import { maintenanceRequestContract } from '../../../../schemas/maintenance-request.ts';
import { validationProblems } from '../../../../services/lib/record-validation.ts';
import { maintenanceRun, slotRunExpiry } from '../../../../services/scheduler/maintenance-run.ts';
import { slotCalendar } from '../../../../services/scheduler/slot-calendar.ts';
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

test('the request and its PENDING event satisfy their contracts, with an expiry or none', () => {
  const key = slotIdempotencyKey('backup', slot);
  const { request, pending } = maintenanceRun(schedule, slot, key, slot + 5, 'sched-1', slot + 86_400_000);
  assert.deepEqual(validationProblems(maintenanceRequestContract, request), []);
  assert.deepEqual(validationProblems(jobStatusEventContract, pending), []);
  assert.equal(request.expiresAt, slot + 86_400_000);
  assert.equal(pending.expiresAt, request.expiresAt, 'the view shows it from the PENDING on');
  const never = maintenanceRun(schedule, slot, key, slot + 5, 'sched-1');
  assert.deepEqual([never.request.expiresAt, never.pending.expiresAt], [null, null]);
  assert.deepEqual(validationProblems(maintenanceRequestContract, never.request), []);
  assert.equal(pending.jobId, request.jobId);
  assert.deepEqual(
    [pending.state, pending.stage, pending.jobType, pending.sequence],
    ['PENDING', 'MAINTENANCE', 'MAINTENANCE', 0],
  );
});

test("a slot's run expires at the schedule's next slot under skip and latest, never under all", () => {
  // 02:00 in Rome, summer time (UTC+2) from 2026-03-29: midnight UTC.
  const nightly = { cron: '0 2 * * *', timeZone: 'Europe/Rome' };
  const calendar = slotCalendar(nightly);
  const monday = Date.parse('2026-03-30T00:00:00Z');
  const tuesday = Date.parse('2026-03-31T00:00:00Z');
  const expiring = { expiresAtNextSlot: true };
  assert.equal(slotRunExpiry({ ...expiring, missedSlots: 'latest' }, calendar, monday), tuesday);
  assert.equal(slotRunExpiry({ ...expiring, missedSlots: 'skip' }, calendar, monday), tuesday);
  assert.equal(slotRunExpiry({ ...expiring, missedSlots: 'all' }, calendar, monday), null);
  // A schedule whose run does its own slot's work only (the weekly report) never expires.
  assert.equal(slotRunExpiry({ expiresAtNextSlot: false, missedSlots: 'latest' }, calendar, monday), null);
  // An expression that never fires again leaves its last run unexpiring.
  assert.equal(slotRunExpiry({ ...expiring, missedSlots: 'latest' }, { next: () => null }, monday), null);
});
