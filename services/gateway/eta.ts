/**
 * How far along a job is and when it should end (pure): the rate observed from the start of
 * its attempt to its latest PROGRESS event, extended to the total. A job without progress,
 * or whose progress has not moved yet, has no ETA.
 */
import type { JobView } from '../lib/status-view.ts';

export interface ProgressEstimate {
  percent: number;
  /** Units of work per second, observed since the attempt started. */
  ratePerSecond: number | null;
  /** Milliseconds left from `now`, or null when no rate is known yet. */
  etaMs: number | null;
  /** When the job should end, in milliseconds since the epoch, or null. */
  etaAt: number | null;
}

/** The estimate for a job's view at `now`; undefined for a job with no progress or not running. */
export function estimateProgress(view: JobView, now: number): ProgressEstimate | undefined {
  const { progress, startedAt } = view;
  if (progress === null) return undefined;
  const percent = progress.percent;
  if (view.state !== 'PROGRESS' && view.state !== 'STARTED') {
    return { percent, ratePerSecond: null, etaMs: null, etaAt: null };
  }
  const elapsedMs = startedAt === null ? 0 : view.occurredAt - startedAt;
  if (progress.total <= 0 || progress.current <= 0 || elapsedMs <= 0) {
    return { percent, ratePerSecond: null, etaMs: null, etaAt: null };
  }
  const perMs = progress.current / elapsedMs;
  const remaining = Math.max(0, progress.total - progress.current);
  const etaAt = Math.round(view.occurredAt + remaining / perMs);
  return {
    percent,
    ratePerSecond: Math.round(perMs * 1000 * 1000) / 1000,
    etaMs: Math.max(0, etaAt - now),
    etaAt,
  };
}
