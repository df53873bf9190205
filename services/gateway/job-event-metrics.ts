/**
 * Job metrics from the status topic, for the gateway's `/metrics`: every status event of every
 * stage passes here (status-metrics.ts consumes the topic), so the counters and histograms
 * cover the whole system, not "the last 100" of the view:
 *
 * - `sedano_jobs_finished_total{stage,state}`: jobs that ended, by terminal state;
 * - `sedano_job_run_duration_seconds{stage,state}`: started to finished, of the final attempt;
 * - `sedano_job_queue_wait_seconds{stage}`: submitted (a delayed job: due) to started, of first attempts;
 * - `sedano_job_retries_total{stage}`: attempts that failed and will be tried again.
 *
 * A status event carries no lane (priority): per-lane figures come from the workers
 * (services/lib/worker-metrics.ts). Each gateway counts from when it started, as Prometheus
 * counters do; with several gateways, aggregate with `max` (they count the same events).
 *
 * A delayed job's due time is in its PENDING only (`nextAttemptAt`), so each gateway keeps the
 * due times of the delayed jobs it saw submitted and not yet started (at most
 * MAX_REMEMBERED_DUE_TIMES, the least recently seen forgotten first); one it did not see
 * (submitted before it started) counts its wait from its submission.
 */
import { LRUCache } from 'lru-cache';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import { RUN_BUCKETS_SECONDS, WAIT_BUCKETS_SECONDS } from '../lib/metric-buckets.ts';

/** What a status event adds to the job metrics (pure): nothing, or one of these observations. */
export type JobObservation =
  | { kind: 'finished'; stage: string; state: string; runSeconds: number | null }
  | { kind: 'started'; stage: string; waitSeconds: number }
  | { kind: 'retry'; stage: string };

/** The most due times of waiting delayed jobs a gateway keeps for their queue wait (about 10 MB). */
export const MAX_REMEMBERED_DUE_TIMES = 100_000;

/** What a status event adds to the job metrics (pure); `dueAt` is a delayed job's due time, if known. */
export function observationsOf(event: JobStatusEvent, dueAt: number | null = null): JobObservation[] {
  const stage = event.stage.toLowerCase();
  switch (event.state) {
    case 'SUCCESS':
    case 'FAILURE':
    case 'REVOKED': {
      const ran = event.startedAt !== null && event.finishedAt !== null && event.finishedAt >= event.startedAt;
      return [
        {
          kind: 'finished',
          stage,
          state: event.state,
          runSeconds: ran ? (event.finishedAt! - event.startedAt!) / 1000 : null,
        },
      ];
    }
    case 'STARTED': {
      // Queue wait is the first attempt's: a retry's wait is its backoff, which the policy sets.
      // A delayed job waits from its due time: its countdown is what it asked for.
      if (event.attempt !== 1 || event.submittedAt === null || event.startedAt === null) return [];
      const queuedAt = Math.max(event.submittedAt, dueAt ?? event.submittedAt);
      return [{ kind: 'started', stage, waitSeconds: Math.max(0, event.startedAt - queuedAt) / 1000 }];
    }
    case 'RETRY':
      return [{ kind: 'retry', stage }];
    default:
      return [];
  }
}

export interface JobEventMetrics {
  observe(event: JobStatusEvent): void;
}

export function createJobEventMetrics(registry: Registry): JobEventMetrics {
  const finished = new Counter({
    name: 'sedano_jobs_finished_total',
    help: 'Jobs that ended, by stage and terminal state',
    labelNames: ['stage', 'state'],
    registers: [registry],
  });
  const runTime = new Histogram({
    name: 'sedano_job_run_duration_seconds',
    help: "Run time of jobs that ended (their final attempt's start to its end), by stage and terminal state",
    labelNames: ['stage', 'state'],
    buckets: RUN_BUCKETS_SECONDS,
    registers: [registry],
  });
  const wait = new Histogram({
    name: 'sedano_job_queue_wait_seconds',
    help: "Time from submission (a delayed job's due time) to the start of the first attempt, by stage",
    labelNames: ['stage'],
    buckets: WAIT_BUCKETS_SECONDS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'sedano_job_retries_total',
    help: 'Attempts that failed and are tried again, by stage',
    labelNames: ['stage'],
    registers: [registry],
  });
  // Delayed jobs seen PENDING and not started yet: their due times, the least recently seen
  // forgotten first (an LRU cache: status-view.ts says why not a Map trimmed from its first key).
  const dueTimes = new LRUCache<string, number>({ max: MAX_REMEMBERED_DUE_TIMES });
  const dueAtOf = (event: JobStatusEvent): number | null => {
    if (event.state === 'PENDING') {
      if (event.nextAttemptAt !== null) dueTimes.set(event.jobId, event.nextAttemptAt);
      return null;
    }
    const dueAt = dueTimes.peek(event.jobId) ?? null;
    // Started, or ended without starting (revoked while it waited): its wait is over.
    if (dueAt !== null) dueTimes.delete(event.jobId);
    return dueAt;
  };
  return {
    observe(event) {
      for (const observation of observationsOf(event, dueAtOf(event))) {
        if (observation.kind === 'finished') {
          const labels = { stage: observation.stage, state: observation.state };
          finished.inc(labels);
          if (observation.runSeconds !== null) runTime.observe(labels, observation.runSeconds);
        } else if (observation.kind === 'started') {
          wait.observe({ stage: observation.stage }, observation.waitSeconds);
        } else {
          retries.inc({ stage: observation.stage });
        }
      }
    },
  };
}
