/**
 * Produces the status events of one attempt of one job: STARTED, PROGRESS (throttled, the
 * latest value always sent in the end), and one of SUCCESS, RETRY or FAILURE, each with the
 * next sequence number of the clock. Events go through the producer's shared batcher
 * (produce-batcher.ts): the events of every job of the process share produce requests, and
 * each partition gets them in the order they were emitted.
 */
import type { JobError } from '../../../schemas/job-error.ts';
import type { JobHeader } from '../../../schemas/job-header.ts';
import type { JobProgress } from '../../../schemas/job-progress.ts';
import type { JobState } from '../../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../../schemas/job-status-event.ts';
import type { Stage as StageSymbol } from '../../../schemas/stage.ts';
import type { SubjectBinding } from '../../../topology/contracts.ts';
import { STATUS_MAX_MESSAGE_BYTES } from '../../../topology/topics.ts';
import type { Stage } from '../../../topology/stages.ts';
import type { Codec } from '../codec.ts';
import { validationProblems } from '../record-validation.ts';
import { isSedanoError, SedanoError } from '../errors.ts';
import type { KafkaProducer, OutgoingMessage } from '../kafka.ts';
import { produceBatcherFor } from '../produce-batcher.ts';
import { shownStrings } from '../shown-text.ts';
import { type RevocationCode, revocationError } from './expiry.ts';
import type { SequenceClock } from './sequence-clock.ts';
import type { ProgressDetails, StageResult } from './stage.ts';

export interface JobReporterOptions {
  producer: KafkaProducer;
  codec: Codec;
  clock: SequenceClock;
  stage: Stage;
  header: JobHeader;
  attempt: number;
  workerId: string;
  traceId: string | null;
  /**
   * Makes the job's payload preview (payload-preview.ts), put on every event: called at the first
   * one, so a redelivered job skipped before it reports anything costs none.
   */
  payloadPreview: () => string | null;
  progressIntervalMs: number;
  /** Where events go: the namespace's status topic (tests use their own). */
  statusTopic: string;
  /** The status subject events are framed with, whatever topic they go to. */
  statusBinding: SubjectBinding<JobStatusEvent>;
  /** Called when producing a PROGRESS event fails (it is not retried: the next one replaces it). */
  onProgressError: (error: unknown) => void;
  now?: () => number;
}

export interface JobReporter {
  started(): Promise<void>;
  /** A property, not a method: handlers receive it detached from the reporter. */
  progress: (current: number, total: number, message?: string | null, details?: ProgressDetails) => void;
  succeeded(result: StageResult): Promise<void>;
  retrying(error: JobError, nextAttemptAt: number): Promise<void>;
  failed(error: JobError): Promise<void>;
  /** REVOKED: by a revoke or purge (the default code), or past the job's `expiresAt`. */
  revoked(reason: string, code?: RevocationCode): Promise<void>;
}

/**
 * Largest encoded status event the reporter queues: the status topic's limit less room for the
 * key, the trace headers and the record batch's framing.
 */
export const MAX_STATUS_EVENT_BYTES = STATUS_MAX_MESSAGE_BYTES - 4096;

/**
 * The job's own error for a SUCCESS its result cannot be encoded into (pure), or undefined for a
 * failure that is not the result's (the registry away: tried again in place). The codec refuses
 * a record that breaks its contract with a code that is never retriable.
 */
export function resultRefusal(error: unknown): SedanoError | undefined {
  if (!isSedanoError(error) || error.code !== 'SEDANO_ERR_CODEC_INVALID_RECORD') return undefined;
  return new SedanoError('SEDANO_ERR_JOB_RESULT_INVALID', `the result cannot be reported: ${error.message}`, {
    cause: error,
    details: error.details,
  });
}

/** Whether `succeeded` rejected for the result itself (pure): the job's failure, not an outage. */
export function isRefusedResult(error: unknown): boolean {
  return (
    isSedanoError(error) &&
    (error.code === 'SEDANO_ERR_JOB_RESULT_INVALID' || error.code === 'SEDANO_ERR_JOB_RESULT_TOO_LARGE')
  );
}

/** PROGRESS fields from a handler's call (pure). */
export function progressOf(
  current: number,
  total: number,
  message: string | null,
  details: ProgressDetails,
): JobProgress {
  const percent = total > 0 ? Math.min(100, Math.max(0, (current / total) * 100)) : 0;
  return { current, total, percent: Math.round(percent * 100) / 100, message, details };
}

export function createJobReporter(options: JobReporterOptions): JobReporter {
  const { producer, codec, clock, stage, header, attempt, workerId, traceId, progressIntervalMs } = options;
  const now = options.now ?? Date.now;
  const { statusTopic: topic, statusBinding } = options;
  // When the attempt's handler began (its STARTED); null on the events of an attempt refused or
  // revoked before then, so the view keeps the start it had, none for a job that never ran (job-view.ts).
  let startedAt: number | null = null;
  const stageSymbol = stage.toUpperCase() as StageSymbol;
  const batcher = produceBatcherFor(producer);
  // After a failed event this job emits nothing more (as when its events were chained).
  let failure: { error: Error } | undefined;
  let lastProgressAt = 0;
  let pending: JobProgress | undefined;
  let timer: NodeJS.Timeout | undefined;
  let preview: string | null | undefined;

  /** The next event of the job (its sequence taken now). */
  function eventOf(state: JobState, fields: Partial<JobStatusEvent>): JobStatusEvent {
    if (preview === undefined) preview = options.payloadPreview();
    return {
      jobId: header.jobId,
      jobType: header.jobType,
      stage: stageSymbol,
      state,
      sequence: clock.next(),
      attempt,
      progress: null,
      result: null,
      error: null,
      occurredAt: now(),
      submittedAt: header.submittedAt,
      startedAt,
      finishedAt: null,
      nextAttemptAt: null,
      batchId: header.batchId,
      parentJobId: header.parentJobId,
      workerId,
      traceId,
      expiresAt: header.expiresAt,
      payloadPreview: preview,
      ...fields,
    };
  }

  /** Queues an event's message behind the job's earlier ones; the batcher keeps that order on the topic. */
  function queue(message: OutgoingMessage | Promise<OutgoingMessage>): Promise<void> {
    if (failure) return Promise.reject(failure.error);
    const sent = batcher.send(topic, [message]);
    sent.catch((error: unknown) => (failure ??= { error: error instanceof Error ? error : new Error(String(error)) }));
    return sent;
  }

  function emit(state: JobState, fields: Partial<JobStatusEvent>): Promise<void> {
    return queue(codec.toMessage(statusBinding, header.jobId, eventOf(state, fields)));
  }

  /**
   * SUCCESS, encoded before it is queued: a result the status topic cannot take (not the stage's
   * result contract, or too large) rejects with the job's own error (resultRefusal), and nothing
   * is queued, where a message refused in the batcher would fail every event queued with it and
   * be tried again in place, forever. Nothing of the job is emitted in between (its progress has
   * stopped), so it still follows the job's earlier events.
   */
  async function succeed(result: StageResult): Promise<void> {
    const event = eventOf('SUCCESS', { finishedAt: now(), result });
    let message: OutgoingMessage;
    try {
      message = await codec.toMessage(statusBinding, header.jobId, event);
    } catch (error) {
      throw resultRefusal(error) ?? error;
    }
    const bytes = message.value?.length ?? 0;
    if (bytes > MAX_STATUS_EVENT_BYTES) {
      throw new SedanoError(
        'SEDANO_ERR_JOB_RESULT_TOO_LARGE',
        `the result makes a SUCCESS event of ${bytes} bytes, more than the ${MAX_STATUS_EVENT_BYTES} a status event may have: store large output and return a reference to it`,
      );
    }
    return queue(message);
  }

  function flushProgress(): void {
    timer = undefined;
    if (!pending) return;
    const progress = pending;
    pending = undefined;
    lastProgressAt = now();
    // A handler's message and details may name what it reads, a presigned URL included: shown, so
    // redacted, and cut as any shown text is (shown-text.ts).
    const event = eventOf('PROGRESS', { progress: shownStrings(progress) });
    // Checked before it is queued: a PROGRESS the codec would refuse (a `current` that is not a
    // whole number) would fail the whole produce request, and with it the job's own later events.
    // Dropped instead, as a PROGRESS that fails to produce is (the next one replaces it).
    const problems = validationProblems(statusBinding.contract, event);
    if (problems.length > 0) {
      options.onProgressError(
        new SedanoError('SEDANO_ERR_CODEC_INVALID_RECORD', `PROGRESS not sent: ${problems.join('; ')}`),
      );
      return;
    }
    queue(codec.toMessage(statusBinding, header.jobId, event)).catch(options.onProgressError);
  }

  function stopProgress(): void {
    clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  }

  function finish(state: JobState, fields: Partial<JobStatusEvent>): Promise<void> {
    stopProgress();
    return emit(state, { finishedAt: now(), ...fields });
  }

  return {
    started: () => {
      startedAt = now();
      return emit('STARTED', {});
    },
    progress(current, total, message = null, details = null) {
      pending = progressOf(current, total, message, details);
      const wait = lastProgressAt + progressIntervalMs - now();
      if (wait <= 0) flushProgress();
      else timer ??= setTimeout(flushProgress, wait).unref();
    },
    succeeded: (result) => {
      stopProgress();
      return succeed(result);
    },
    retrying: (error, nextAttemptAt) => finish('RETRY', { error, nextAttemptAt, finishedAt: null }),
    failed: (error) => finish('FAILURE', { error }),
    revoked: (reason, code) => finish('REVOKED', { error: revocationError(reason, code) }),
  };
}
