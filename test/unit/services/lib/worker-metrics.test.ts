import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkerMetrics, resolveWorkerMetricsOptions } from '../../../../services/lib/worker-metrics.ts';
import { histogram, parseExposition, sampleValue } from '../../../support/prometheus.ts';

test('no metrics server unless a port is given; ports are checked', async () => {
  const metrics = createWorkerMetrics();
  assert.equal(await metrics.listen(), undefined);
  await metrics.close();
  assert.throws(() => resolveWorkerMetricsOptions({ port: 70_000 }), RangeError);
  assert.deepEqual(resolveWorkerMetricsOptions(), { port: undefined, host: '0.0.0.0', defaultLabels: {} });
});

test("a worker's endpoint exposes its job, lane and thread metrics, parsed by a real parser", async (t) => {
  const metrics = createWorkerMetrics({ port: 0, host: '127.0.0.1', defaultLabels: { worker: 'w-1' } });
  const port = await metrics.listen();
  t.after(() => metrics.close());
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    return parseExposition(await response.text());
  };
  const before = await scrape();
  assert.equal(before.families.get('process_cpu_user_seconds_total')?.type, 'COUNTER', 'process metrics');
  assert.ok(before.families.has('nodejs_eventloop_lag_seconds'));
  assert.equal(before.families.get('sedano_worker_job_run_duration_seconds')?.type, 'HISTOGRAM');

  metrics.threadPoolSize('noop', 4);
  metrics.jobStarted('noop', 'high', 'sedano.jobs.noop.high');
  metrics.jobStarted('noop', 'high', 'sedano.jobs.noop.high');
  const running = await scrape();
  assert.equal(sampleValue(running, 'sedano_worker_jobs_in_flight', { stage: 'noop', lane: 'high', worker: 'w-1' }), 2);

  metrics.jobStarted('noop', 'high', 'sedano.jobs.noop.high');
  metrics.jobAbandoned('noop', 'high');
  metrics.jobEnded('noop', 'high', 'SUCCESS', 1_500, 40, 'sedano.jobs.noop.high');
  metrics.jobEnded('noop', 'high', 'RETRY', 200, 10, 'sedano.jobs.noop.high');
  metrics.retried('noop', 'high');
  metrics.deadLettered('noop', 'low', 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED');
  metrics.threadRecycled('noop', 'hard-time-limit');
  metrics.lag('noop', 'normal', 12);
  const after = await scrape();
  const high = { stage: 'noop', lane: 'high' };
  assert.equal(sampleValue(after, 'sedano_worker_jobs_in_flight', high), 0);
  assert.equal(sampleValue(after, 'sedano_worker_jobs_finished_total', { ...high, state: 'SUCCESS' }), 1);
  assert.equal(sampleValue(after, 'sedano_worker_jobs_finished_total', { ...high, state: 'RETRY' }), 1);
  const run = histogram(after, 'sedano_worker_job_run_duration_seconds', { ...high, state: 'SUCCESS' });
  assert.equal(run.count, 1);
  assert.equal(run.sum, 1.5);
  assert.equal(run.buckets['1'], 0, 'cumulative buckets: 1.5 s is above 1 s');
  assert.equal(run.buckets['2.5'], 1);
  assert.equal(histogram(after, 'sedano_worker_job_queue_wait_seconds', high).count, 2);
  const topic = { messaging_destination_name: 'sedano.jobs.noop.high' };
  assert.equal(histogram(after, 'messaging_process_duration_seconds', topic).count, 2, 'both attempts');
  assert.equal(histogram(after, 'messaging_process_duration_seconds', { ...topic, error_type: 'RETRY' }).count, 1);
  assert.equal(sampleValue(after, 'sedano_worker_job_retries_total', high), 1);
  assert.equal(
    sampleValue(after, 'sedano_worker_dead_letters_total', { lane: 'low', code: 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED' }),
    1,
  );
  assert.equal(sampleValue(after, 'sedano_worker_thread_pool_size', { stage: 'noop' }), 4);
  assert.equal(sampleValue(after, 'sedano_worker_thread_recycles_total', { reason: 'hard-time-limit' }), 1);
  assert.equal(sampleValue(after, 'sedano_worker_lag', { lane: 'normal' }), 12);
  assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
});
