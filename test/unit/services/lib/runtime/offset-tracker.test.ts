import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OffsetTracker } from '../../../../../services/lib/runtime/offset-tracker.ts';

test('commits only up to the lowest unfinished offset of each partition', () => {
  const tracker = new OffsetTracker();
  for (const offset of ['10', '11', '12']) tracker.begin('t', 0, offset);
  tracker.begin('t', 1, '5');
  tracker.finish('t', 0, '11');
  tracker.finish('t', 0, '12');
  assert.deepEqual(tracker.committable(), [
    { topic: 't', partition: 0, offset: '10' },
    { topic: 't', partition: 1, offset: '5' },
  ]);
  assert.equal(tracker.inFlight, 2);
  tracker.finish('t', 0, '10');
  tracker.finish('t', 1, '5');
  assert.deepEqual(tracker.committable(), [
    { topic: 't', partition: 0, offset: '13' },
    { topic: 't', partition: 1, offset: '6' },
  ]);
});

test('offsets beyond 2^53 stay exact, forgotten partitions are not committed', () => {
  const tracker = new OffsetTracker();
  tracker.begin('t', 0, '9007199254740993');
  tracker.finish('t', 0, '9007199254740993');
  assert.equal(tracker.committable()[0]?.offset, '9007199254740994');
  tracker.forget('t', 0);
  assert.deepEqual(tracker.committable(), []);
});
