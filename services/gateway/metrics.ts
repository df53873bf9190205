/**
 * The gateway's Prometheus metrics (prom-client, one registry per gateway). Counters and the
 * request histogram are updated as requests are served; the gauges are read when scraped:
 *
 * - `sedano_jobs{stage,state}`: jobs in the status view (RETRY: jobs waiting for a retry);
 * - `sedano_jobs_in_flight{stage}`: jobs running now on the stage's live workers (worker presence);
 * - `sedano_dead_letters`: dead letters in the gateway's index;
 * - `sedano_stage_lag{stage,lane}`: messages of a lane not yet consumed by the stage's group;
 * - `sedano_jobs_submitted_total{stage}`;
 * - `http_server_request_duration_seconds{http_request_method,http_route,http_response_status_code}`:
 *   OpenTelemetry's `http.server.request.duration`, with its attribute names and buckets
 *   (request-duration.ts: observed on every request, so not prom-client's Histogram);
 * - the process's own (`process_*`, `nodejs_*`: CPU, memory, event loop lag, GC);
 * - the job counters and histograms of job-event-metrics.ts, registered on the same registry.
 *
 * A source that cannot be read (Kafka or Redis down) leaves its gauge empty rather than failing the scrape.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { JobState } from '../../schemas/job-state.ts';
import type { Lane, Stage } from '../../topology/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { createRequestDuration } from './request-duration.ts';

export interface MetricsSources {
  jobCounts(): Promise<{ stage: Stage; state: JobState; count: number }[]>;
  /** Jobs running now on each stage's live workers. */
  inFlight(): Promise<{ stage: Stage; count: number }[]>;
  deadLetters(): Promise<number>;
  lag(): Promise<{ stage: Stage; lane: Lane; lag: number }[]>;
}

export interface GatewayMetrics {
  registry: Registry;
  submitted(stage: Stage): void;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** OpenTelemetry's advised buckets for `http.server.request.duration`, in seconds. */
export const HTTP_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The gateway's metrics on `registry` (default: a new one), with the process's own metrics. */
export function createGatewayMetrics(
  sources: MetricsSources,
  logger: Logger,
  registry: Registry = new Registry(),
): GatewayMetrics {
  collectDefaultMetrics({ register: registry });
  const guarded = async (name: string, read: () => Promise<void>) => {
    try {
      await read();
    } catch (error) {
      logger.warn({ err: error, metric: name }, 'metric source unavailable');
    }
  };
  new Gauge({
    name: 'sedano_jobs',
    help: 'Jobs in the status view, by stage and state',
    labelNames: ['stage', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      await guarded('sedano_jobs', async () => {
        for (const { stage, state, count } of await sources.jobCounts()) this.set({ stage, state }, count);
      });
    },
  });
  new Gauge({
    name: 'sedano_jobs_in_flight',
    help: "Jobs running now on the stage's live workers",
    labelNames: ['stage'],
    registers: [registry],
    async collect() {
      this.reset();
      await guarded('sedano_jobs_in_flight', async () => {
        for (const { stage, count } of await sources.inFlight()) this.set({ stage }, count);
      });
    },
  });
  new Gauge({
    name: 'sedano_dead_letters',
    help: "Dead letters in the gateway's index",
    registers: [registry],
    async collect() {
      this.reset();
      await guarded('sedano_dead_letters', async () => this.set(await sources.deadLetters()));
    },
  });
  new Gauge({
    name: 'sedano_stage_lag',
    help: "Messages of a stage's lane not yet consumed by its group",
    labelNames: ['stage', 'lane'],
    registers: [registry],
    async collect() {
      this.reset();
      await guarded('sedano_stage_lag', async () => {
        for (const { stage, lane, lag } of await sources.lag()) this.set({ stage, lane }, lag);
      });
    },
  });
  const submitted = new Counter({
    name: 'sedano_jobs_submitted_total',
    help: 'Jobs submitted through this gateway, by stage',
    labelNames: ['stage'],
    registers: [registry],
  });
  const requests = createRequestDuration({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests (OpenTelemetry http.server.request.duration)',
    buckets: HTTP_BUCKETS_SECONDS,
    registry,
  });
  return {
    registry,
    submitted: (stage) => submitted.inc({ stage }),
    observeRequest: (method, route, status, seconds) => requests.observe(method, route, status, seconds),
  };
}
