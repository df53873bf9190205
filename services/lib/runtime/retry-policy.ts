/**
 * When something is tried again: one backoff (exponential, with jitter, capped) for a job's
 * failed attempts (sent to a delay topic) and for a message whose processing failed because
 * Kafka, the registry or Redis did (tried again in place, see message-intake.ts); and where a
 * retried job waits (its delay topic tier).
 */
import type { RetryPolicy as RetryOverrides } from '../../../schemas/retry-policy.ts';
import { MAX_DELAY_MS, RETRY_TIERS, type RetryTier } from '../../../topology/stages.ts';

/** How long to wait after each failure: exponential, capped, with jitter (see backoffMs). */
export interface BackoffPolicy {
  /** Delay after the first failure, in milliseconds. */
  initialBackoffMs: number;
  /** Longest delay, in milliseconds. */
  maxBackoffMs: number;
  /** Factor between two consecutive delays. */
  backoffMultiplier: number;
}

/** A job's retries: its backoff, and how many attempts it gets. */
export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

/** The retries of a stage that declares none (see StageOptions.retry). */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
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
 * Delay after the `failures`-th failure in a row (1 for the first; for a job, before attempt
 * `failures + 1`): the exponential delay, capped by the policy and by MAX_DELAY_MS (a stage's
 * setting is not checked against it), with "equal jitter" (between half and all of it) so that
 * what failed together is not tried again together. `random` is in [0, 1).
 */
export function backoffMs(policy: BackoffPolicy, failures: number, random: number = Math.random()): number {
  const exponential = policy.initialBackoffMs * policy.backoffMultiplier ** (failures - 1);
  const capped = Math.min(policy.maxBackoffMs, exponential, MAX_DELAY_MS);
  return Math.round(capped / 2 + (capped / 2) * random);
}

/**
 * The delay topic tier for a delay: the longest tier not longer than the delay (the
 * shortest for smaller delays). A tier holds delays of about one order of magnitude, and its
 * head holds the others at most the tier's delay (retry-forwarder.ts).
 */
export function retryTier(delayMs: number): RetryTier {
  let tier: RetryTier = RETRY_TIERS[0].name;
  for (const candidate of RETRY_TIERS) if (candidate.delayMs <= delayMs) tier = candidate.name;
  return tier;
}
