/**
 * What the local supervisor (supervise.ts) decides and records, apart from its process work.
 *
 * When it starts a service again after it exited: at once is
 * too soon for a service that cannot start (a crash loop would spin a CPU and flood its log),
 * so the wait doubles from one restart to the next, up to a ceiling, like docker's restart
 * policy; a run that lasted long enough counts as healthy and starts the wait over.
 */

export interface RestartPolicy {
  /** The wait before the first restart, in ms. */
  firstDelayMs: number;
  /** The longest wait, in ms. */
  maxDelayMs: number;
  /** A run at least this long resets the wait to `firstDelayMs`, in ms. */
  healthyRunMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { firstDelayMs: 1_000, maxDelayMs: 30_000, healthyRunMs: 60_000 };

/** The wait before the next restart, after a run of `ranForMs` that followed a wait of `previousDelayMs` (none: the first run). */
export function restartDelayMs(
  previousDelayMs: number | undefined,
  ranForMs: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): number {
  if (previousDelayMs === undefined || ranForMs >= policy.healthyRunMs) return policy.firstDelayMs;
  return Math.min(previousDelayMs * 2, policy.maxDelayMs);
}

/**
 * When the supervisor rolls its service's log over (log-roll.ts): at 10 MB, keeping 4 parts
 * beside the current file, as the broker's own log does (kafka/log4j2.properties). A service's
 * log is appended to by every `ctl up` and never emptied: on a development machine each reached
 * 1.5-3.6 MB in a day of sessions, and a broker restart adds 20-50 KB to each (its warnings while
 * it reconnects).
 */
export const DEFAULT_LOG_ROLL = { maxBytes: 10 * 1024 * 1024, keep: 4, checkEveryMs: 10_000 };

/** What the supervisor's status file holds (its `--status`; `ctl services` reads it). */
export interface SupervisorStatus {
  /** The service's process now (null while it waits to be started again). */
  servicePid: number | null;
  /** When the current run started (ISO 8601). */
  startedAt: string;
  /** How many times it was started again. */
  restarts: number;
  /** How the last run ended, if one did. */
  lastExit: { code: number | null; signal: string | null; at: string; ranForMs: number } | null;
}
