import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { startLagSampler } from '../../../../../services/lib/runtime/lag-sampler.ts';
import { countedDeadLetters, laneOf, stageMetrics } from '../../../../../services/lib/runtime/stage-metrics.ts';
import { createWorkerMetrics } from '../../../../../services/lib/worker-metrics.ts';
import { waitFor } from '../../../../support/wait.ts';

const LANES = ['t.high', 't.normal', 't.low'];

async function value(metrics: ReturnType<typeof createWorkerMetrics>, name: string, labels: Record<string, string>) {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const found = metric?.values.find((sample) =>
    Object.entries(labels).every(([label, wanted]) => String(sample.labels[label]) === wanted),
  );
  return found?.value;
}

test('a lane is named by its place among the lane topics; any other topic by itself', () => {
  assert.equal(laneOf(LANES, 't.high'), 'high');
  assert.equal(laneOf(LANES, 't.low'), 'low');
  assert.equal(laneOf(LANES, 'elsewhere'), 'elsewhere');
});

test('without metrics every call does nothing; with them, a RETRY also counts a retry', async () => {
  const none = stageMetrics(undefined, 'noop', LANES);
  none.started('t.high');
  none.ended('t.high', 'SUCCESS', 1, 1);
  const metrics = createWorkerMetrics();
  const bound = stageMetrics(metrics, 'noop', LANES);
  bound.started('t.normal');
  bound.ended('t.normal', 'RETRY', 5, 1);
  bound.started('t.normal');
  bound.abandoned('t.normal');
  assert.equal(await value(metrics, 'sedano_worker_job_retries_total', { stage: 'noop', lane: 'normal' }), 1);
  assert.equal(await value(metrics, 'sedano_worker_jobs_in_flight', { lane: 'normal' }), 0);
  assert.equal(await value(metrics, 'sedano_worker_jobs_finished_total', { lane: 'normal', state: 'RETRY' }), 1);
});

test('dead letters are counted once written, by lane and code; a failed write is not counted', async () => {
  const metrics = createWorkerMetrics();
  let fail = false;
  const writer = countedDeadLetters(
    {
      counts: new Map(),
      write: async () => {
        if (fail) throw new Error('broker down');
      },
    },
    stageMetrics(metrics, 'noop', LANES),
  );
  const message = { topic: 't.low', partition: 0, offset: '1', key: null, value: null, headers: {}, timestampMs: 0 };
  await writer.write({ message, errorCode: 'SEDANO_ERR_JOB_FAILED', reason: 'x', attempts: 1 });
  fail = true;
  await assert.rejects(writer.write({ message, errorCode: 'SEDANO_ERR_JOB_FAILED', reason: 'x', attempts: 1 }));
  assert.equal(await value(metrics, 'sedano_worker_dead_letters_total', { lane: 'low' }), 1);
});

test('the lag sampler reports each lane at once, then keeps sampling until closed', async () => {
  const reported: [string, number][] = [];
  let end = 10;
  let closed = false;
  const sampler = startLagSampler({
    admin: {
      fetchGroupOffsets: async () => [{ topic: 't.high', partition: 0, offset: '4' }],
      fetchTopicOffsets: async () => [{ partition: 0, low: '0', high: String(end) }],
      close: async () => void (closed = true),
    },
    groupId: 'g',
    lanes: ['t.high', 't.low'],
    intervalMs: 5,
    report: (topic, lag) => reported.push([topic, lag]),
    logger: pino({ level: 'silent' }),
  });
  await waitFor(() => reported.length >= 2, { description: 'the first sample' });
  assert.deepEqual(reported.slice(0, 2), [
    ['t.high', 6],
    ['t.low', 10],
  ]);
  end = 12;
  await waitFor(() => reported.some(([topic, lag]) => topic === 't.high' && lag === 8), { description: 'a later one' });
  await sampler.close();
  assert.ok(closed);
});
