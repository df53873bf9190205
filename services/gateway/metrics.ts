/**
 * The gateway's Prometheus metrics (prom-client, one registry per gateway). Counters and the
 * request histogram are updated as requests are served; the gauges are read when scraped:
 *
 * - `sedano_jobs{stage,state}`: jobs in the status view (RETRY: jobs waiting for a retry);
 * - `sedano_job_duration_seconds{stage,quantile}`: run time of the stage's most recent successes;
 * - `sedano_dead_letters`: dead letters in the gateway's index;
 * - `sedano_stage_lag{stage,lane}`: messages of a lane not yet consumed by the stage's group;
 * - `sedano_jobs_submitted_total{stage}`, `sedano_http_request_duration_seconds{method,route,status}`.
 *
 * A source that cannot be read (Kafka or Redis down) leaves its gauge empty rather than failing the scrape.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobState } from '../../schemas/job-state.ts';
import type { Lane, Stage } from '../../topology/topics.ts';
import type { Logger } from '../lib/logger.ts';

export interface MetricsSources {
  jobCounts(): Promise<{ stage: Stage; state: JobState; count: number }[]>;
  /** Run times in seconds of recent successful jobs, by stage. */
  recentDurations(): Promise<{ stage: Stage; seconds: number[] }[]>;
  deadLetters(): Promise<number>;
  lag(): Promise<{ stage: Stage; lane: Lane; lag: number }[]>;
}

export interface GatewayMetrics {
  registry: Registry;
  submitted(stage: Stage): void;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** The q-quantile of sorted values (nearest rank; pure). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function createGatewayMetrics(sources: MetricsSources, logger: Logger): GatewayMetrics {
  const registry = new Registry();
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
    name: 'sedano_job_duration_seconds',
    help: "Run time (started to finished) of each stage's most recent successful jobs, as quantiles",
    labelNames: ['stage', 'quantile'],
    registers: [registry],
    async collect() {
      this.reset();
      await guarded('sedano_job_duration_seconds', async () => {
        for (const { stage, seconds } of await sources.recentDurations()) {
          if (seconds.length === 0) continue;
          const sorted = [...seconds].sort((a, b) => a - b);
          for (const q of [0.5, 0.95, 0.99]) this.set({ stage, quantile: String(q) }, quantile(sorted, q));
        }
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
  const requests = new Histogram({
    name: 'sedano_http_request_duration_seconds',
    help: 'HTTP requests served, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  return {
    registry,
    submitted: (stage) => submitted.inc({ stage }),
    observeRequest: (method, route, status, seconds) => requests.observe({ method, route, status }, seconds),
  };
}
