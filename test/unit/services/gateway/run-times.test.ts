import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRunTimesReader, runTimesOf } from '../../../../services/gateway/run-times.ts';
import type { JobView, StatusView } from '../../../../services/lib/status-view.ts';

const now = 1_000_000;
const success = (finishedAgoMs: number, runMs: number) => ({
  state: 'SUCCESS' as const,
  startedAt: now - finishedAgoMs - runMs,
  finishedAt: now - finishedAgoMs,
});

test("a stage's run times: of its successes of the last 15 minutes", () => {
  const succeeded = [success(1_000, 100), success(30_000, 200), success(59_000, 300), success(120_000, 1000)];
  const others = [
    success(3_600_000, 9),
    { state: 'SUCCESS' as const, startedAt: null, finishedAt: now },
    { ...success(1_000, 5_000), state: 'FAILURE' as const },
  ];
  assert.deepEqual(runTimesOf([...succeeded, ...others], now), { meanRunMs: 400, p95RunMs: 1000, sampled: 4 });
  assert.deepEqual(runTimesOf([], now), { meanRunMs: null, p95RunMs: null, sampled: 0 });
});

test("one read of a stage's latest jobs serves every request until two seconds after it settled; a failed one gives null", async () => {
  let time = now;
  const reads: string[] = [];
  let failNext = false;
  const view = {
    list: async (options: { stage?: string; state?: string; limit?: number }) => {
      reads.push(`${options.stage} ${options.state} ${options.limit}`);
      if (failNext) {
        failNext = false;
        throw new Error('redis away');
      }
      return { jobs: [success(1_000, 50)] as JobView[], nextCursor: null };
    },
  } as unknown as StatusView;
  const runTimes = createRunTimesReader({ view, now: () => time });
  const [first, second] = await Promise.all([runTimes('analysis'), runTimes('analysis')]);
  assert.deepEqual(first, { meanRunMs: 50, p95RunMs: 50, sampled: 1 });
  assert.equal(second, first);
  assert.deepEqual(reads, ['ANALYSIS undefined 200'], "the stage's own index, any state");
  time += 2_001;
  failNext = true;
  assert.equal(await runTimes('analysis'), null);
  assert.deepEqual(await runTimes('analysis'), first);
  assert.equal(reads.length, 3, 'read again after the failure');
});
