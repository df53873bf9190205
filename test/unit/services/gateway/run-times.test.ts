import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRunTimesReader, runTimesOf } from '../../../../services/gateway/run-times.ts';
import type { JobView, StatusView } from '../../../../services/lib/status-view.ts';

const now = 1_000_000;
const success = (finishedAgoMs: number, runMs: number) => ({
  startedAt: now - finishedAgoMs - runMs,
  finishedAt: now - finishedAgoMs,
});

test("a stage's run times: of the successes of the last 15 minutes", () => {
  const succeeded = [success(1_000, 100), success(30_000, 200), success(59_000, 300), success(120_000, 1000)];
  const older = [success(3_600_000, 9), { startedAt: null, finishedAt: now }];
  assert.deepEqual(runTimesOf([...succeeded, ...older], now), { meanRunMs: 400, p95RunMs: 1000, sampled: 4 });
  assert.deepEqual(runTimesOf([], now), { meanRunMs: null, p95RunMs: null, sampled: 0 });
});

test('the view is read once per stage every two seconds, whoever asks; a failed read is not kept', async () => {
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
  assert.deepEqual(reads, ['ANALYSIS SUCCESS 200']);
  time += 2_001;
  failNext = true;
  await assert.rejects(runTimes('analysis'), /redis away/);
  await runTimes('analysis');
  assert.equal(reads.length, 3, 'read again after the failure');
});
