/**
 * The gateway's `/metrics` on the real stack: scraped and parsed with a real parser; the job
 * counters and histograms (fed from the status topic) move when jobs run, the HTTP histogram
 * has the routes served, and the process metrics are there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createJobEventMetrics } from '../../../../services/gateway/job-event-metrics.ts';
import { startStatusMetrics } from '../../../../services/gateway/status-metrics.ts';
import { histogram, parseExposition, sampleValue, type Exposition } from '../../../support/prometheus.ts';
import { kafkaClient, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { startGateway, type GatewayHarness } from './gateway-harness.ts';

async function scrape(gateway: GatewayHarness): Promise<Exposition> {
  const response = await gateway.call('GET', '/metrics', { token: 'reader' });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0.0.4/);
  return parseExposition(await response.text());
}

async function runJobs(gateway: GatewayHarness, count: number, payload: Record<string, unknown>): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const response = await gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload } });
    assert.equal(response.status, 202);
  }
}

test("the gateway's metrics move when jobs run", { timeout: 120_000 }, async (t) => {
  const registry = new Registry();
  const gateway = await startGateway(t, { worker: true, metricsRegistry: registry });
  const statusMetrics = await startStatusMetrics({
    kafka: kafkaClient(),
    codec: gateway.sandbox.codec,
    metrics: createJobEventMetrics(registry),
    topic: gateway.topics.status,
    groupId: uniqueName('test-gateway-metrics'),
    logger: pino({ level: 'silent' }),
  });
  onCleanup(t, () => statusMetrics.close());
  await statusMetrics.ready;

  const success = { stage: 'noop', state: 'SUCCESS' };
  const before = await scrape(gateway);
  assert.equal(before.families.get('sedano_jobs_finished_total')?.type, 'COUNTER');
  assert.equal(before.families.get('sedano_job_run_duration_seconds')?.type, 'HISTOGRAM');
  assert.equal(before.families.get('http_server_request_duration_seconds')?.type, 'HISTOGRAM');
  assert.ok(before.families.has('process_resident_memory_bytes'), 'process metrics');
  assert.ok(before.families.has('nodejs_eventloop_lag_seconds'));
  assert.equal(sampleValue(before, 'sedano_jobs_finished_total', success), 0);

  await runJobs(gateway, 3, { sleepMs: 120 });
  const after = await waitFor(
    async () => {
      const exposition = await scrape(gateway);
      return sampleValue(exposition, 'sedano_jobs_finished_total', success) >= 3 && exposition;
    },
    { description: 'three successes counted', timeoutMs: 30_000 },
  );
  const run = histogram(after, 'sedano_job_run_duration_seconds', success);
  assert.ok(run.count >= 3, `run time observed per success (${run.count})`);
  assert.ok(run.sum >= 3 * 0.12, `each ran at least its 120 ms sleep (sum ${run.sum} s)`);
  assert.equal(run.buckets['0.1'], 0, 'no success ran under 100 ms');
  assert.equal(run.buckets['+Inf'], run.count);
  assert.ok(histogram(after, 'sedano_job_queue_wait_seconds', { stage: 'noop' }).count >= 3);
  assert.ok(sampleValue(after, 'sedano_jobs_submitted_total', { stage: 'noop' }) >= 3);
  const submits = histogram(after, 'http_server_request_duration_seconds', {
    http_request_method: 'POST',
    http_route: '/v1/jobs',
    http_response_status_code: '202',
  });
  assert.equal(submits.count, 3, 'one observation per request, by route template');
  assert.ok(after.samples.get('sedano_stage_lag')?.some((sample) => sample.labels?.['lane'] === 'high'));
  assert.ok(after.samples.has('sedano_jobs_in_flight'));

  // A revoked job is counted under its own state.
  const response = await gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload: { sleepMs: 30_000 } } });
  const { jobId } = (await response.json()) as { jobId: string };
  await waitFor(
    async () => {
      const { state } = (await (await gateway.call('GET', `/v1/jobs/${jobId}`)).json()) as { state: string };
      return state === 'STARTED' || state === 'PROGRESS';
    },
    { description: 'the long job started' },
  );
  assert.equal((await gateway.call('DELETE', `/v1/jobs/${jobId}`)).status, 202);
  await waitFor(
    async () =>
      sampleValue(await scrape(gateway), 'sedano_jobs_finished_total', { stage: 'noop', state: 'REVOKED' }) >= 1,
    { description: 'the revoke counted', timeoutMs: 30_000 },
  );

  // A request is counted under its route's pattern; one no route took, as unmatched.
  assert.equal((await gateway.call('GET', '/v1/no-such-route')).status, 404);
  const routes = await scrape(gateway);
  const durations = (method: string, route: string, status: string) =>
    histogram(routes, 'http_server_request_duration_seconds', {
      http_request_method: method,
      http_route: route,
      http_response_status_code: status,
    }).count;
  assert.ok(durations('GET', '/v1/jobs/:id', '200') >= 1, 'the GETs of the job, by its pattern');
  assert.equal(durations('DELETE', '/v1/jobs/:id', '202'), 1);
  assert.equal(durations('GET', 'unmatched', '404'), 1);
});
