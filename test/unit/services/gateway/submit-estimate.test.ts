import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateSubmission, type StageLoad } from '../../../../services/gateway/submit-estimate.ts';

const load = (fields: Partial<StageLoad>): StageLoad => ({
  lag: { high: 0, normal: 0, low: 0 },
  slots: 4,
  recentRunsMs: [1_000],
  ...fields,
});

test('jobs ahead in the lane and the higher ones share the slots at the mean run time', () => {
  const estimate = estimateSubmission(
    load({ lag: { high: 3, normal: 6, low: 100 }, slots: 4, recentRunsMs: [500, 1_500] }),
    'NORMAL',
  );
  // 3 + 6 - 1 (the job itself) = 8 ahead, 4 slots, 1 s each: starts in 2 s, ends in 3 s.
  assert.deepEqual(estimate, { queuedAhead: 8, slots: 4, meanRunMs: 1_000, startsInMs: 2_000, endsInMs: 3_000 });
});

test('a HIGH job waits only for the high lane; a LOW one for every lane', () => {
  const busy = load({ lag: { high: 1, normal: 40, low: 40 } });
  assert.equal(estimateSubmission(busy, 'HIGH')?.queuedAhead, 0);
  assert.equal(estimateSubmission(busy, 'LOW')?.queuedAhead, 80);
});

test('no live worker or no timed success: no estimate', () => {
  assert.equal(estimateSubmission(load({ slots: 0 }), 'NORMAL'), undefined);
  assert.equal(estimateSubmission(load({ recentRunsMs: [] }), 'NORMAL'), undefined);
});
