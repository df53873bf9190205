import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { HTTP_BUCKETS_SECONDS } from '../../../../services/gateway/metrics.ts';
import { createRequestDuration } from '../../../../services/gateway/request-duration.ts';
import { parseExposition } from '../../../support/prometheus.ts';

const NAME = 'http_server_request_duration_seconds';
const HELP = 'Duration of HTTP server requests';

/** Each sample line of an exposition as `name{label="value",…} value`, labels sorted. */
function sampleLines(text: string): string[] {
  const { samples } = parseExposition(text);
  return [...samples.entries()]
    .flatMap(([name, series]) =>
      series.map((sample) => {
        const labels = Object.entries(sample.labels ?? {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([label, value]) => `${label}="${value}"`)
          .join(',');
        return `${name}{${labels}} ${Number(sample.value)}`;
      }),
    )
    .sort();
}

const observations: [string, string, number, number][] = [
  ['GET', '/v1/jobs/:id', 200, 0.0004],
  ['GET', '/v1/jobs/:id', 200, 0.005], // on a bound: counted in that bucket (le is "less or equal")
  ['GET', '/v1/jobs/:id', 404, 0.02],
  ['POST', '/v1/jobs', 202, 0.3],
  ['GET', '/v1/jobs/:id', 200, 12], // above every bound: +Inf only
  ['GET', 'unmatched', 404, 0.001],
  ['POST', '/v1/jobs', 202, 0.0051],
];

test('the request histogram renders as a prom-client Histogram given the same observations', async () => {
  const ours = new Registry();
  const duration = createRequestDuration({ name: NAME, help: HELP, buckets: HTTP_BUCKETS_SECONDS, registry: ours });
  const reference = new Registry();
  const histogram = new Histogram({
    name: NAME,
    help: HELP,
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: HTTP_BUCKETS_SECONDS,
    registers: [reference],
  });
  for (const [method, route, status, seconds] of observations) {
    duration.observe(method, route, status, seconds);
    histogram.observe({ http_request_method: method, http_route: route, http_response_status_code: status }, seconds);
  }
  const text = await ours.metrics();
  assert.match(text, new RegExp(`^# TYPE ${NAME} histogram$`, 'm'));
  assert.deepEqual(sampleLines(text), sampleLines(await reference.metrics()));
  assert.equal(parseExposition(text).families.get(NAME)?.type, 'HISTOGRAM');
});

test('a reset registry starts the request histogram again from no series', async () => {
  const registry = new Registry();
  const duration = createRequestDuration({ name: NAME, help: HELP, buckets: [0.1, 1], registry });
  duration.observe('GET', '/healthz', 200, 0.01);
  registry.resetMetrics();
  assert.deepEqual(sampleLines(await registry.metrics()), []);
  duration.observe('GET', '/healthz', 200, 2);
  assert.deepEqual(sampleLines(await registry.metrics()), [
    `${NAME}_bucket{http_request_method="GET",http_response_status_code="200",http_route="/healthz",le="+Inf"} 1`,
    `${NAME}_bucket{http_request_method="GET",http_response_status_code="200",http_route="/healthz",le="0.1"} 0`,
    `${NAME}_bucket{http_request_method="GET",http_response_status_code="200",http_route="/healthz",le="1"} 0`,
    `${NAME}_count{http_request_method="GET",http_response_status_code="200",http_route="/healthz"} 1`,
    `${NAME}_sum{http_request_method="GET",http_response_status_code="200",http_route="/healthz"} 2`,
  ]);
});
