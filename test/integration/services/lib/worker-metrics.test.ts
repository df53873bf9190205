/**
 * A real noop worker process (services/noop/main.ts on the service kit) with SEDANO_METRICS_PORT=0,
 * in a namespace of its own: three jobs (one succeeds, one fails into the dead-letter topic, one is
 * retried and then fails), then `GET /metrics` over HTTP, parsed by a real parser: the counters
 * moved by exactly that per stage, lane and state, the run-time histogram has the attempts, and
 * nothing is left in flight.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCodec } from '../../../../services/lib/codec.ts';
import { createJobClient } from '../../../../services/lib/job-client.ts';
import { histogram, parseExposition, sampleValue } from '../../../support/prometheus.ts';
import {
  collectMessages,
  kafkaClient,
  namespaceOfItsOwn,
  onCleanup,
  schemaRegistry,
  uniqueName,
} from '../../../support/resources.ts';
import { noopTopics, startNoopWorkerProcess } from '../../../support/noop-worker-process.ts';
import { waitFor } from '../../../support/wait.ts';

test("a worker's metrics endpoint counts its jobs by stage, lane and outcome", async (t) => {
  const { names } = await namespaceOfItsOwn(t, uniqueName('metrics-ns'), noopTopics);
  const workerId = uniqueName('metrics-worker');
  const worker = await startNoopWorkerProcess(t, {
    SEDANO_NAMESPACE: names.namespace,
    SEDANO_WORKER_ID: workerId,
    SEDANO_NOOP_CONCURRENCY: '2',
  });
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${worker.port}/metrics`);
    assert.equal(response.status, 200);
    return parseExposition(await response.text());
  };
  const before = await scrape();
  assert.equal(sampleValue(before, 'sedano_worker_jobs_finished_total'), 0);
  assert.equal(before.families.get('process_resident_memory_bytes')?.type, 'GAUGE', 'process metrics');

  const deadLetters = await collectMessages(t, [names.deadLetterTopic]);
  const kafka = kafkaClient();
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  const client = createJobClient({
    producer,
    codec: createCodec({ registry: schemaRegistry() }),
    names,
    submitter: 't',
  });
  const noop = { sleepMs: 1, cpuSpinMs: 0, payload: null };
  const once = { maxAttempts: 1, initialBackoffMs: null, maxBackoffMs: null, backoffMultiplier: null };
  const twice = { maxAttempts: 2, initialBackoffMs: 50, maxBackoffMs: 50, backoffMultiplier: 1 };
  await client.submit('noop', { ...noop, failureRate: 0 }, { priority: 'HIGH' });
  await client.submit('noop', { ...noop, failureRate: 1 }, { priority: 'NORMAL', retryPolicy: once });
  await client.submit('noop', { ...noop, failureRate: 1 }, { priority: 'LOW', retryPolicy: twice });

  const after = await waitFor(
    async () => {
      const scraped = await scrape();
      return sampleValue(scraped, 'sedano_worker_jobs_finished_total') === 4 && scraped;
    },
    { description: 'four attempts ended', timeoutMs: 60_000 },
  );
  const noopLane = (lane: string) => ({ worker: workerId, stage: 'noop', lane });
  const finished = (lane: string, state: string) =>
    sampleValue(after, 'sedano_worker_jobs_finished_total', { ...noopLane(lane), state });
  assert.equal(finished('high', 'SUCCESS'), 1);
  assert.equal(finished('normal', 'FAILURE'), 1);
  assert.equal(finished('low', 'RETRY'), 1);
  assert.equal(finished('low', 'FAILURE'), 1);
  assert.equal(sampleValue(after, 'sedano_worker_job_retries_total', noopLane('low')), 1);
  assert.equal(sampleValue(after, 'sedano_worker_job_retries_total'), 1);
  const exhausted = { code: 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED' };
  assert.equal(sampleValue(after, 'sedano_worker_dead_letters_total', { ...noopLane('normal'), ...exhausted }), 1);
  assert.equal(sampleValue(after, 'sedano_worker_dead_letters_total', { ...noopLane('low'), ...exhausted }), 1);
  await waitFor(() => deadLetters.messages.length === 2, { description: 'two dead letters on the topic' });

  const run = histogram(after, 'sedano_worker_job_run_duration_seconds', { worker: workerId, stage: 'noop' });
  assert.equal(run.count, 4, 'every attempt timed');
  assert.equal(run.buckets['+Inf'], 4);
  assert.ok(run.sum > 0);
  assert.equal(histogram(after, 'sedano_worker_job_queue_wait_seconds', { stage: 'noop' }).count, 4);
  assert.equal(histogram(after, 'messaging_process_duration_seconds', { error_type: 'FAILURE' }).count, 2);
  for (const lane of ['high', 'normal', 'low']) {
    assert.equal(sampleValue(after, 'sedano_worker_jobs_in_flight', noopLane(lane)), 0, `${lane}: nothing in flight`);
  }
  assert.ok(sampleValue(after, 'sedano_worker_thread_pool_size', { stage: 'noop' }) >= 1, 'its threads');
  const lag = after.samples.get('sedano_worker_lag') ?? [];
  assert.deepEqual(lag.map((sample) => sample.labels?.['lane']).sort(), ['high', 'low', 'normal'], 'lag per lane');

  assert.equal(await worker.stop(), 0, 'a clean stop, its metrics server closed with the rest');
  await assert.rejects(fetch(`http://127.0.0.1:${worker.port}/metrics`), 'the endpoint is gone');
});
