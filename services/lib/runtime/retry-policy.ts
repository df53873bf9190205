/** When and where a failed attempt is tried again: exponential backoff with jitter and a cap. */
import type { RetryPolicy as RetryOverrides } from '../../../schemas/retry-policy.ts';
import { RETRY_TIERS, type RetryTier } from '../../../topology/topics.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt, in milliseconds. */
  initialBackoffMs: number;
  /** Longest delay, in milliseconds. */
  maxBackoffMs: number;
  /** Factor between two consecutive delays. */
  backoffMultiplier: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 1_000,
  maxBackoffMs: 300_000,
  backoffMultiplier: 2,
};

/** The stage's policy with a job's overrides (from its header) applied. */
export function resolveRetryPolicy(stage: RetryPolicy, job: RetryOverrides | null): RetryPolicy {
  return {
    maxAttempts: job?.maxAttempts ?? stage.maxAttempts,
    initialBackoffMs: job?.initialBackoffMs ?? stage.initialBackoffMs,
    maxBackoffMs: job?.maxBackoffMs ?? stage.maxBackoffMs,
    backoffMultiplier: job?.backoffMultiplier ?? stage.backoffMultiplier,
  };
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed: the exponential delay,
 * capped, with "equal jitter" (between half and all of it) so that jobs failing together
 * do not retry together. `random` is in [0, 1).
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: number = Math.random()): number {
  const exponential = policy.initialBackoffMs * policy.backoffMultiplier ** (attempt - 1);
  const capped = Math.min(policy.maxBackoffMs, exponential);
  return Math.round(capped / 2 + (capped / 2) * random);
}

/**
 * The delay topic tier for a delay: the longest tier not longer than the delay (the
 * shortest for smaller delays). A tier holds delays of one order of magnitude, so waiting
 * for its head message keeps the others close to their due time.
 */
export function retryTier(delayMs: number): RetryTier {
  let tier: RetryTier = RETRY_TIERS[0].name;
  for (const candidate of RETRY_TIERS) if (candidate.delayMs <= delayMs) tier = candidate.name;
  return tier;
}
