// Pure helpers of the dashboard: formatting, the overview's figures and the job page's reconnect
// decision (no DOM, no fetch), so they run the same in the browser and in Node's unit tests.

/** A duration in ms as `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 07 min`; an em dash for none. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1440) return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h`;
}

/**
 * How long a job's latest attempt has run, in ms, or null when it has not started: until it
 * finished, until it failed for a job waiting for its retry (not through the backoff), or until now.
 */
export function runTimeMs(job, now) {
  if (!job.startedAt) return null;
  const end = job.finishedAt ?? (job.state === 'RETRY' ? job.occurredAt : now);
  return end - job.startedAt;
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** The offset of the browser's time zone from UTC at `date`: `UTC`, `UTC+02:00`, `UTC-03:30`. */
export function utcOffset(date) {
  const minutes = -date.getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes > 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * A time (ms since the epoch) as an ISO-like date and time in the browser's zone, with that
 * zone's offset (pages show times in UTC or a schedule's zone too); an em dash for none.
 */
export function formatTime(ms) {
  if (ms === null || ms === undefined) return '—';
  const date = new Date(ms);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)} ` +
    utcOffset(date)
  );
}

/** How long ago `ms` was, from `now`: `3.2 s ago`. */
export function formatAge(ms, now) {
  if (ms === null || ms === undefined) return '—';
  return `${formatDuration(Math.max(0, now - ms))} ago`;
}

/**
 * The jobs of a page (newest first) updated at or after `since` (null: all), and whether the
 * page reached an older job, so that no later page can hold a match.
 */
export function updatedSince(jobs, since) {
  if (since === null) return { jobs, exhausted: false };
  const kept = jobs.filter((job) => job.updatedAt >= since);
  return { jobs: kept, exhausted: kept.length < jobs.length };
}

/** The states a job ends in. */
export const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

/**
 * Whether the job page opens the job's event stream again after it ended: not once the job
 * ended, else after a clean end (the gateway ends open streams when it shuts down: clients
 * reconnect) or a network or server failure, but not when the job cannot be read (a 4xx: unknown,
 * left the view, or the token lost its scope). `job`: the job as last seen; `failure`: the error
 * the stream ended with, undefined for a clean end.
 */
export function reopensStream(job, failure) {
  if (job !== undefined && TERMINAL.has(job.state)) return false;
  if (failure === undefined) return true;
  return failure.status === 0 || failure.status >= 500;
}

export const JOB_STATES = ['PENDING', 'STARTED', 'PROGRESS', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED'];

/** A job or batch id. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
