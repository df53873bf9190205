import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GatewayContext } from '../../../../services/gateway/context.ts';
import {
  createSubmitEstimator,
  estimateSubmission,
  type StageLoad,
} from '../../../../services/gateway/submit-estimate.ts';

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

test('a delayed job starts when due, or once the queue ahead of it now drains if that is later', () => {
  const queue = load({ lag: { high: 0, normal: 8, low: 0 }, slots: 4, recentRunsMs: [1_000] });
  // It is not in the lag (it waits on a delay topic): 8 ahead, 2 s to drain.
  assert.deepEqual(estimateSubmission(queue, 'NORMAL', 5_000), {
    queuedAhead: 8,
    slots: 4,
    meanRunMs: 1_000,
    startsInMs: 5_000,
    endsInMs: 6_000,
  });
  assert.equal(estimateSubmission(queue, 'NORMAL', 500)?.startsInMs, 2_000);
});

test('no live worker or no timed success: no estimate', () => {
  assert.equal(estimateSubmission(load({ slots: 0 }), 'NORMAL'), undefined);
  assert.equal(estimateSubmission(load({ recentRunsMs: [] }), 'NORMAL'), undefined);
});

/** An estimator on fakes that count the reads of each source; `fail` makes the next worker read throw. */
function countingEstimator() {
  const reads = { lag: 0, workers: 0, recent: 0 };
  const state = { now: 0, fail: false };
  const context = {
    now: () => state.now,
    topics: { stages: { noop: { groupId: 'g', lanes: { high: 'h', normal: 'n', low: 'l' } } } },
    admin: {
      describeGroup: async () => {
        reads.lag += 1;
        return { state: 'Stable', members: [] };
      },
      fetchGroupOffsets: async () => [],
      fetchTopicOffsets: async () => [],
    },
    workers: {
      list: async () => {
        reads.workers += 1;
        if (state.fail) throw new Error('redis is down');
        return [{ concurrency: 4, paused: false }];
      },
    },
    view: {
      list: async () => {
        reads.recent += 1;
        return { jobs: [{ startedAt: 0, finishedAt: 1_000 }] };
      },
    },
  } as unknown as Pick<GatewayContext, 'admin' | 'topics' | 'workers' | 'view' | 'now'>;
  return { estimator: createSubmitEstimator(context), reads, state };
}

test("a burst of submissions reads a stage's load once per two seconds; a failed read is not kept", async () => {
  const { estimator, reads, state } = countingEstimator();
  const estimates = await Promise.all(Array.from({ length: 100 }, () => estimator.estimate('noop', 'NORMAL')));
  assert.ok(estimates.every((estimate) => estimate?.slots === 4 && estimate.meanRunMs === 1_000));
  assert.deepEqual(reads, { lag: 1, workers: 1, recent: 1 });

  state.now = 2_000;
  await estimator.estimate('noop', 'NORMAL');
  assert.deepEqual(reads, { lag: 1, workers: 1, recent: 1 }, 'still within the two seconds');

  state.now = 2_001;
  state.fail = true;
  assert.equal(await estimator.estimate('noop', 'NORMAL'), undefined, 'no estimate when a source fails');
  state.fail = false;
  assert.equal((await estimator.estimate('noop', 'NORMAL'))?.slots, 4, 'the failure was not kept');
  assert.deepEqual(reads, { lag: 3, workers: 3, recent: 3 });
});
