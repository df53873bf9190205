import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slotCalendar } from '../../../../services/scheduler/slot-calendar.ts';

const iso = (ms: number[]) => ms.map((slot) => new Date(slot).toISOString());
const at = (text: string) => Date.parse(text);
const rome = (cron: string) => slotCalendar({ cron, timeZone: 'Europe/Rome' });

test('a fixed-time slot in the spring-forward gap fires once, at the first valid time after the gap', () => {
  // 2026-03-29: Europe/Rome jumps from 02:00 CET to 03:00 CEST, so 02:30 does not exist.
  const slots = rome('30 2 * * *').between(at('2026-03-27T12:00:00Z'), at('2026-03-31T12:00:00Z'), 10);
  assert.deepEqual(iso(slots), [
    '2026-03-28T01:30:00.000Z', // 02:30 CET
    '2026-03-29T01:00:00.000Z', // 03:00 CEST, right after the gap
    '2026-03-30T00:30:00.000Z', // 02:30 CEST
    '2026-03-31T00:30:00.000Z',
  ]);
});

test('a fixed-time slot in the fall-back overlap fires once, at its first occurrence', () => {
  // 2026-10-25: Europe/Rome goes back from 03:00 CEST to 02:00 CET, so 02:30 happens twice.
  const slots = rome('30 2 * * *').between(at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'), 10);
  assert.deepEqual(iso(slots), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
});

test('an interval schedule skips the local times of the gap and fires both instants of the overlap, each once', () => {
  const spring = rome('*/30 * * * *').between(at('2026-03-29T00:10:00Z'), at('2026-03-29T01:40:00Z'), 10);
  // 01:30 CET, then 03:00 and 03:30 CEST: no 02:00 or 02:30 that day.
  assert.deepEqual(iso(spring), ['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']);
  const fall = rome('*/30 * * * *').between(at('2026-10-25T00:10:00Z'), at('2026-10-25T01:40:00Z'), 10);
  // 02:30 CEST, then 02:00 and 02:30 CET: distinct instants, distinct slots.
  assert.deepEqual(iso(fall), ['2026-10-25T00:30:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T01:30:00.000Z']);
  assert.equal(new Set(fall).size, fall.length);
});

test('latest includes a slot exactly at its reference instant, newest first; next excludes it', () => {
  const everySecond = slotCalendar({ cron: '* * * * * *', timeZone: 'UTC' });
  const now = at('2026-01-01T00:00:05.000Z');
  assert.deepEqual(iso(everySecond.latest(now, 2)), ['2026-01-01T00:00:05.000Z', '2026-01-01T00:00:04.000Z']);
  assert.equal(everySecond.next(now), at('2026-01-01T00:00:06.000Z'));
  assert.deepEqual(everySecond.between(now, now + 3000, 2), [now + 1000, now + 2000]);
});

test('the weekly report fires on Mondays at 08:00 in its time zone', () => {
  const weekly = slotCalendar({ cron: '0 8 * * 1', timeZone: 'Europe/Rome' });
  assert.deepEqual(iso(weekly.between(at('2026-11-25T00:00:00Z'), at('2026-12-10T00:00:00Z'), 5)), [
    '2026-11-30T07:00:00.000Z',
    '2026-12-07T07:00:00.000Z',
  ]);
});
