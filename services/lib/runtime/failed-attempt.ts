/**
 * What follows a failed attempt: a retriable error with attempts left sends the message to the
 * delay topic of its backoff (it comes back to its lane when due) and reports RETRY; otherwise
 * the job reports FAILURE (ATTEMPTS_EXHAUSTED when retries ran out) and its message goes to the
 * dead-letter topic. A retry that would come due after the job's expiry is not made: the job
 * ends REVOKED (SEDANO_ERR_JOB_EXPIRED) at once, rather than waiting out the backoff to be
 * refused. The runner then has the ledger remember the FAILURE or REVOKED (job-runner.ts: a
 * write that fails is tried again, not the whole attempt).
 */
import type { JobError } from '../../../schemas/job-error.ts';
import type { JobHeader } from '../../../schemas/job-header.ts';
import { MAX_DELAY_MS, type RetryTier } from '../../../topology/stages.ts';
import type { DeadLetterWriter } from '../dead-letter.ts';
import { isSedanoError } from '../errors.ts';
import type { IncomingMessage, KafkaProducer } from '../kafka.ts';
import { shownText } from '../shown-text.ts';
import { ATTEMPT_HEADER, DUE_AT_HEADER, RETURN_TOPIC_HEADER } from './headers.ts';
import { expiryRefusal } from './expiry.ts';
import type { JobReporter } from './job-reporter.ts';
import { backoffMs, resolveRetryPolicy, retryTier, type RetryPolicy } from './retry-policy.ts';

export interface FailedAttemptOptions {
  producer: KafkaProducer;
  /** The stage's delay topics by tier. */
  retryTopics: Record<RetryTier, string>;
  /** The stage's retry defaults; a job's header may override them. */
  retryPolicy: RetryPolicy;
  deadLetters: DeadLetterWriter;
  now: () => number;
  random: () => number;
}

/** How long a thrown value asks its retry to wait at least, in ms (pure): its `retryAfterMs`, or 0. */
export function retryAfterOf(error: unknown): number {
  const retryAfterMs = isSedanoError(error) ? error.retryAfterMs : undefined;
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return 0;
  return Math.min(retryAfterMs, MAX_DELAY_MS);
}

/**
 * The job error a thrown value reports (pure); its message is shown (shown-text.ts): redacted,
 * since the job page, the API and the dead letter show it, and cut, so its FAILURE fits its topic.
 */
export function jobErrorOf(error: unknown): JobError {
  return {
    code: isSedanoError(error) ? error.code : 'SEDANO_ERR_JOB_FAILED',
    type: error instanceof Error ? error.name : typeof error,
    message: shownText(error instanceof Error ? error.message : String(error)),
    retriable: isSedanoError(error) ? error.retriable : true,
  };
}

/**
 * Settles a failed attempt: a retry through a delay topic, REVOKED when the job would expire
 * before its retry, or FAILURE and a dead letter; resolves with which.
 */
export type FailedAttemptHandler = (
  message: IncomingMessage,
  header: JobHeader,
  attempt: number,
  reporter: JobReporter,
  error: unknown,
) => Promise<'RETRY' | 'REVOKED' | 'FAILURE'>;

export function createFailedAttemptHandler(options: FailedAttemptOptions): FailedAttemptHandler {
  const { producer, retryTopics, retryPolicy, deadLetters, now, random } = options;
  return async function failedAttempt(
    message: IncomingMessage,
    header: JobHeader,
    attempt: number,
    reporter: JobReporter,
    error: unknown,
  ): Promise<'RETRY' | 'REVOKED' | 'FAILURE'> {
    const jobError = jobErrorOf(error);
    const policy = resolveRetryPolicy(retryPolicy, header.retryPolicy);
    if (jobError.retriable && attempt < policy.maxAttempts) {
      // An error that names its own wait (an upstream's Retry-After) gets at least that.
      const dueAt = now() + Math.max(backoffMs(policy, attempt, random()), retryAfterOf(error));
      const expired = expiryRefusal(header.expiresAt, dueAt, `, before its retry at ${new Date(dueAt).toISOString()}`);
      if (expired !== null) {
        await reporter.revoked(`${expired.message}; attempt ${attempt}: ${jobError.message}`, expired.code);
        return 'REVOKED';
      }
      const headers = {
        ...message.headers,
        [ATTEMPT_HEADER]: String(attempt + 1),
        [DUE_AT_HEADER]: String(dueAt),
        [RETURN_TOPIC_HEADER]: message.topic,
      };
      await producer.send(retryTopics[retryTier(dueAt - now())], [{ key: message.key, value: message.value, headers }]);
      await reporter.retrying(jobError, dueAt);
      return 'RETRY';
    }
    // Not retriable, as the error table says of its code: the runtime tries it no more (a replay
    // from the dead-letter topic is a new decision, not another attempt).
    const final: JobError = jobError.retriable
      ? {
          ...jobError,
          code: 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED',
          message: `${attempt} attempts failed; last: ${jobError.message}`,
          retriable: false,
        }
      : jobError;
    await reporter.failed(final);
    await deadLetters.write({
      message,
      errorCode: final.code,
      reason: final.message,
      attempts: attempt,
      jobId: header.jobId,
    });
    return 'FAILURE';
  };
}
