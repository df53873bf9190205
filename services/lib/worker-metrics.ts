/**
 * A worker process's Prometheus metrics (prom-client, one registry per process) and the small
 * HTTP server that exposes them at `GET /metrics` on a port of its own (off unless a port is
 * given). The stage runtime reports to it through the calls of `WorkerMetrics`; every metric
 * is per stage and lane, which only the worker knows (the lane is the topic a job came from):
 *
 * - `sedano_worker_jobs_finished_total{stage,lane,state}`: attempts that ended, by outcome
 *   (SUCCESS, FAILURE, REVOKED, or RETRY for an attempt that failed and is tried again);
 * - `sedano_worker_job_run_duration_seconds{stage,lane,state}`: run time of those attempts;
 * - `sedano_worker_job_queue_wait_seconds{stage,lane}`: submitted (or due again) to started;
 * - `sedano_worker_jobs_in_flight{stage,lane}`: attempts running now;
 * - `sedano_worker_job_retries_total{stage,lane}`, `sedano_worker_dead_letters_total{stage,lane,code}`;
 * - `sedano_worker_lag{stage,lane}`: messages of the lane its group has not consumed;
 * - `sedano_worker_thread_pool_size{stage}`, `sedano_worker_thread_recycles_total{stage,reason}`;
 * - the process's own (`process_*`, `nodejs_*`), and `messaging_process_duration_seconds`
 *   (OpenTelemetry's `messaging.process.duration`, per topic) for the same attempts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RUN_BUCKETS_SECONDS, WAIT_BUCKETS_SECONDS } from './metric-buckets.ts';

/** How an attempt ended, as the metrics label it. */
export type AttemptOutcome = 'SUCCESS' | 'FAILURE' | 'REVOKED' | 'RETRY';

export interface WorkerMetricsOptions {
  /**
   * Port of the metrics endpoint; undefined: no server (the registry is still there to read).
   * 0: any free port (tests).
   * @default undefined
   */
  port?: number;
  /** @default '0.0.0.0' (Prometheus scrapes from another container) */
  host?: string;
  /** Labels on every metric, e.g. `{ worker: workerId }`. @default {} */
  defaultLabels?: Record<string, string>;
}

/** What the stage runtime calls; every call is cheap and never throws. */
export interface WorkerMetrics {
  registry: Registry;
  /** An attempt started; `topic` is the lane's topic, for the messaging metric. */
  jobStarted(stage: string, lane: string, topic?: string): void;
  /** An attempt ended: its outcome, run time and how long it waited before it started (ms). */
  jobEnded(stage: string, lane: string, state: AttemptOutcome, runMs: number, waitMs: number, topic?: string): void;
  /** An attempt left unfinished (the worker is shutting down; the job runs again elsewhere). */
  jobAbandoned(stage: string, lane: string): void;
  /** An attempt failed and was scheduled again. */
  retried(stage: string, lane: string): void;
  /** A message was written to the dead-letter topic, with its error code. */
  deadLettered(stage: string, lane: string, code: string): void;
  lag(stage: string, lane: string, messages: number): void;
  threadPoolSize(stage: string, threads: number): void;
  /** A worker thread was replaced (`reason`: e.g. `hard-time-limit`, `crashed`, `max-jobs`). */
  threadRecycled(stage: string, reason: string): void;
  /** Starts the HTTP server when a port is configured; resolves with its port (undefined: none). */
  listen(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The options with their defaults (pure). */
export function resolveWorkerMetricsOptions(options: WorkerMetricsOptions = {}) {
  const { port, host = '0.0.0.0', defaultLabels = {} } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new RangeError(`metrics port must be an integer 0 to 65535: ${port}`);
  }
  return { port, host, defaultLabels };
}

export function createWorkerMetrics(options: WorkerMetricsOptions = {}): WorkerMetrics {
  const { port, host, defaultLabels } = resolveWorkerMetricsOptions(options);
  const registry = new Registry();
  registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const finished = new Counter({
    name: 'sedano_worker_jobs_finished_total',
    help: 'Attempts that ended on this worker, by stage, lane and outcome (RETRY: tried again)',
    labelNames: ['stage', 'lane', 'state'],
    registers,
  });
  const runTime = new Histogram({
    name: 'sedano_worker_job_run_duration_seconds',
    help: 'Run time of attempts on this worker, by stage, lane and outcome',
    labelNames: ['stage', 'lane', 'state'],
    buckets: RUN_BUCKETS_SECONDS,
    registers,
  });
  const wait = new Histogram({
    name: 'sedano_worker_job_queue_wait_seconds',
    help: 'Time from submission (or from being due again) to the start of the attempt, by stage and lane',
    labelNames: ['stage', 'lane'],
    buckets: WAIT_BUCKETS_SECONDS,
    registers,
  });
  const processed = new Histogram({
    name: 'messaging_process_duration_seconds',
    help: 'Duration of processing a message (OpenTelemetry messaging.process.duration)',
    labelNames: ['messaging_system', 'messaging_operation_name', 'messaging_destination_name', 'error_type'],
    buckets: RUN_BUCKETS_SECONDS,
    registers,
  });
  const inFlight = new Gauge({
    name: 'sedano_worker_jobs_in_flight',
    help: 'Attempts running now on this worker',
    labelNames: ['stage', 'lane'],
    registers,
  });
  const retries = new Counter({
    name: 'sedano_worker_job_retries_total',
    help: 'Attempts that failed and were scheduled again',
    labelNames: ['stage', 'lane'],
    registers,
  });
  const deadLetters = new Counter({
    name: 'sedano_worker_dead_letters_total',
    help: 'Messages this worker wrote to the dead-letter topic, by error code',
    labelNames: ['stage', 'lane', 'code'],
    registers,
  });
  const lag = new Gauge({
    name: 'sedano_worker_lag',
    help: "Messages of the lane the stage's group has not consumed, as this worker last saw",
    labelNames: ['stage', 'lane'],
    registers,
  });
  const pool = new Gauge({
    name: 'sedano_worker_thread_pool_size',
    help: "Threads in the stage's worker-thread pool",
    labelNames: ['stage'],
    registers,
  });
  const recycles = new Counter({
    name: 'sedano_worker_thread_recycles_total',
    help: 'Worker threads replaced, by reason',
    labelNames: ['stage', 'reason'],
    registers,
  });

  let server: Server | undefined;
  return {
    registry,
    jobStarted(stage, lane) {
      inFlight.inc({ stage, lane });
    },
    jobEnded(stage, lane, state, runMs, waitMs, topic) {
      inFlight.dec({ stage, lane });
      finished.inc({ stage, lane, state });
      runTime.observe({ stage, lane, state }, Math.max(0, runMs) / 1000);
      wait.observe({ stage, lane }, Math.max(0, waitMs) / 1000);
      processed.observe(
        {
          messaging_system: 'kafka',
          messaging_operation_name: 'process',
          messaging_destination_name: topic ?? `${stage}.${lane}`,
          error_type: state === 'SUCCESS' ? '' : state,
        },
        Math.max(0, runMs) / 1000,
      );
    },
    jobAbandoned: (stage, lane) => inFlight.dec({ stage, lane }),
    retried: (stage, lane) => retries.inc({ stage, lane }),
    deadLettered: (stage, lane, code) => deadLetters.inc({ stage, lane, code }),
    lag: (stage, lane, messages) => lag.set({ stage, lane }, messages),
    threadPoolSize: (stage, threads) => pool.set({ stage }, threads),
    threadRecycled: (stage, reason) => recycles.inc({ stage, reason }),
    async listen() {
      if (port === undefined) return undefined;
      server = createServer((request, response) => {
        if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
          return;
        }
        registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
        );
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => resolve());
      });
      return (listening.address() as AddressInfo).port;
    },
    async close() {
      const open = server;
      server = undefined;
      if (open) await new Promise<void>((resolve) => open.close(() => resolve()));
    },
  };
}
