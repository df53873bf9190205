import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueSlots, type DueSlotsInput } from '../../../../services/scheduler/due-slots.ts';
import { slotCalendar } from '../../../../services/scheduler/slot-calendar.ts';

// An hourly schedule; the clock reads 10:00:30 on 2026-06-01.
const hour = 3_600_000;
const t = (h: number) => Date.parse('2026-06-01T00:00:00Z') + h * hour;
const base: DueSlotsInput = {
  calendar: slotCalendar({ cron: '0 * * * *', timeZone: 'UTC' }),
  policy: 'latest',
  maxMissedSlots: 3,
  cursorMs: t(9),
  nowMs: t(10) + 30_000,
  lateToleranceMs: 60_000,
};

test('a running scheduler fires the slot that just came due, whatever the policy', () => {
  for (const policy of ['skip', 'latest', 'all'] as const) {
    assert.deepEqual(dueSlots({ ...base, policy }), { fire: [t(10)], leftMissed: false }, policy);
  }
});

test('nothing is due twice: the cursor covers the fired slot', () => {
  assert.deepEqual(dueSlots({ ...base, cursorMs: t(10) }).fire, []);
});

test('after an outage, skip fires no missed slot', () => {
  const due = dueSlots({ ...base, policy: 'skip', cursorMs: t(4), nowMs: t(9) + 30 * 60_000 });
  assert.deepEqual(due.fire, []);
  assert.equal(due.leftMissed, true);
});

test('after an outage, latest fires the most recent missed slot once', () => {
  const due = dueSlots({ ...base, policy: 'latest', cursorMs: t(4), nowMs: t(9) + 30 * 60_000 });
  assert.deepEqual(due.fire, [t(9)]);
  assert.deepEqual(dueSlots({ ...base, policy: 'latest', cursorMs: t(9), nowMs: t(9) + 30 * 60_000 }).fire, []);
});

test('after an outage, all fires every missed slot oldest first, up to its bound (the most recent ones)', () => {
  const few = dueSlots({ ...base, policy: 'all', cursorMs: t(6), nowMs: t(9) + 30 * 60_000 });
  assert.deepEqual(few, { fire: [t(7), t(8), t(9)], leftMissed: false });
  const many = dueSlots({ ...base, policy: 'all', cursorMs: t(1), nowMs: t(9) + 30 * 60_000 });
  assert.deepEqual(many.fire, [t(7), t(8), t(9)]);
  assert.equal(many.leftMissed, true);
});

test('missed slots come before the on-time ones, and a slot just due is on time', () => {
  const due = dueSlots({ ...base, policy: 'latest', cursorMs: t(4), nowMs: t(10) + 1_000 });
  assert.deepEqual(due.fire, [t(9), t(10)]);
});

test('a per-second schedule stopped for a week is not walked slot by slot', () => {
  const calendar = slotCalendar({ cron: '* * * * * *', timeZone: 'UTC' });
  const now = t(0) + 7 * 24 * hour;
  const started = performance.now();
  const due = dueSlots({ ...base, calendar, policy: 'latest', cursorMs: t(0), nowMs: now, lateToleranceMs: 2_000 });
  assert.deepEqual(due.fire, [now - 2_000, now - 1_000, now]);
  assert.ok(performance.now() - started < 1_000);
});
