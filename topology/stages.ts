/** The stages, priority lanes and retry tiers of sedano: the same in every namespace. */

/** Stages that consume job topics. `noop` is the built-in stage used by smoke tests and benchmarks. */
export const STAGES = ['indexing', 'analysis', 'training', 'export', 'noop'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * What a worker runs, as its presence record and PING name it: a job stage, or `maintenance`,
 * whose worker consumes the maintenance topic on its own consumer rather than the stage
 * runtime (README, "Maintenance and the stage runtime"), so it has no lanes, lag or pause.
 */
export const WORKER_STAGES = [...STAGES, 'maintenance'] as const;
export type WorkerStage = (typeof WORKER_STAGES)[number];

/** Priority lanes, highest first: a worker drains them in this order. */
export const LANES = ['high', 'normal', 'low'] as const;
export type Lane = (typeof LANES)[number];

/**
 * Delay tiers: a failed attempt (or a delayed job) waits on the tier whose delay is the longest
 * one not above its backoff (its countdown), so a retry never blocks a job partition. A tier's
 * head holds the messages behind it at most the tier's delay (retry-forwarder.ts): the 1 s
 * tier keeps a short countdown (or backoff) within a second of its due time.
 */
export const RETRY_TIERS = [
  { name: '1s', delayMs: 1_000 },
  { name: '5s', delayMs: 5_000 },
  { name: '1m', delayMs: 60_000 },
  { name: '10m', delayMs: 600_000 },
  { name: '1h', delayMs: 3_600_000 },
] as const;
export type RetryTier = (typeof RETRY_TIERS)[number]['name'];

/**
 * The longest a job may be delayed at submission (a countdown or `notBefore`), and the longest
 * an error's `retryAfterMs` may hold its retry: 30 days.
 */
export const MAX_DELAY_MS = 30 * 86_400_000;

/**
 * How long a revocation is remembered (services/lib/runtime/revocations.ts): the longest wait
 * before an attempt (MAX_DELAY_MS) and a job topic's retention (7 days) besides, so a job
 * revoked while it waits is still refused when it comes due.
 */
export const REVOCATION_TTL_SECONDS = MAX_DELAY_MS / 1000 + 7 * 86_400;
