import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { createJobEventMetrics, observationsOf } from '../../../../services/gateway/job-event-metrics.ts';
import { histogram, parseExposition, sampleValue } from '../../../support/prometheus.ts';
import { noopStatusEvent } from '../../schemas/samples.ts';

function event(fields: Partial<JobStatusEvent>): JobStatusEvent {
  return noopStatusEvent({
    jobId: '00000000-0000-4000-8000-000000000001',
    state: 'PENDING',
    occurredAt: 10_000,
    submittedAt: 1_000,
    ...fields,
  });
}

test('what each status event adds to the job metrics', () => {
  assert.deepEqual(observationsOf(event({ state: 'PENDING' })), []);
  assert.deepEqual(observationsOf(event({ state: 'STARTED', startedAt: 1_250 })), [
    { kind: 'started', stage: 'noop', waitSeconds: 0.25 },
  ]);
  assert.deepEqual(
    observationsOf(event({ state: 'STARTED', attempt: 2, startedAt: 9_000 })),
    [],
    'first attempts only',
  );
  assert.deepEqual(observationsOf(event({ state: 'STARTED', startedAt: 6_250 }), 6_000), [
    { kind: 'started', stage: 'noop', waitSeconds: 0.25 },
  ]);
  assert.deepEqual(observationsOf(event({ state: 'RETRY' })), [{ kind: 'retry', stage: 'noop' }]);
  assert.deepEqual(observationsOf(event({ state: 'SUCCESS', startedAt: 2_000, finishedAt: 5_000 })), [
    { kind: 'finished', stage: 'noop', state: 'SUCCESS', runSeconds: 3 },
  ]);
  assert.deepEqual(observationsOf(event({ state: 'REVOKED', finishedAt: 5_000 })), [
    { kind: 'finished', stage: 'noop', state: 'REVOKED', runSeconds: null },
  ]);
});

test('counters and histograms move with the events', async () => {
  const registry = new Registry();
  const metrics = createJobEventMetrics(registry);
  metrics.observe(event({ state: 'STARTED', startedAt: 1_100 }));
  metrics.observe(event({ state: 'SUCCESS', startedAt: 1_100, finishedAt: 1_600 }));
  metrics.observe(event({ state: 'RETRY' }));
  metrics.observe(event({ state: 'FAILURE', startedAt: 1_100, finishedAt: 60_000 }));
  const exposition = parseExposition(await registry.metrics());
  assert.equal(sampleValue(exposition, 'sedano_jobs_finished_total', { stage: 'noop', state: 'SUCCESS' }), 1);
  assert.equal(sampleValue(exposition, 'sedano_jobs_finished_total', { stage: 'noop', state: 'FAILURE' }), 1);
  assert.equal(sampleValue(exposition, 'sedano_job_retries_total', { stage: 'noop' }), 1);
  const run = histogram(exposition, 'sedano_job_run_duration_seconds', { stage: 'noop', state: 'SUCCESS' });
  assert.deepEqual([run.count, run.sum, run.buckets['0.5'], run.buckets['0.25']], [1, 0.5, 1, 0]);
  assert.equal(histogram(exposition, 'sedano_job_queue_wait_seconds', { stage: 'noop' }).sum, 0.1);
});

test("a delayed job's queue wait counts from its due time, which its PENDING carries", async () => {
  const registry = new Registry();
  const metrics = createJobEventMetrics(registry);
  const delayed = '00000000-0000-4000-8000-000000000002';
  metrics.observe(event({ jobId: delayed, state: 'PENDING', attempt: 0, nextAttemptAt: 61_000 }));
  metrics.observe(event({ jobId: delayed, state: 'STARTED', startedAt: 61_500 }));
  // Seen once: another STARTED of it (a duplicate after a crash) counts from its submission.
  metrics.observe(event({ jobId: delayed, state: 'STARTED', startedAt: 1_500 }));
  const wait = histogram(parseExposition(await registry.metrics()), 'sedano_job_queue_wait_seconds', {
    stage: 'noop',
  });
  assert.deepEqual([wait.count, wait.sum], [2, 1]);
});
