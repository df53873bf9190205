import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressOf } from '../../../../../services/lib/runtime/job-reporter.ts';
import { SequenceClock } from '../../../../../services/lib/runtime/sequence-clock.ts';

test('sequence numbers follow time in microseconds and never repeat or go back', () => {
  let now = 1_000;
  const clock = new SequenceClock(() => now);
  assert.equal(clock.next(), 1_000_000);
  assert.equal(clock.next(), 1_000_001, 'same millisecond: still increasing');
  now = 999;
  assert.equal(clock.next(), 1_000_002, 'the wall clock went back: still increasing');
  now = 2_000;
  assert.equal(clock.next(), 2_000_000);
  assert.ok(new SequenceClock().next() < Number.MAX_SAFE_INTEGER);
});

test('progress percent is bounded and rounded', () => {
  assert.equal(progressOf(1, 3, null, null).percent, 33.33);
  assert.equal(progressOf(5, 0, null, null).percent, 0);
  assert.equal(progressOf(7, 5, 'over', null).percent, 100);
});
