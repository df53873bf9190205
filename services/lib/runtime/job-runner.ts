/**
 * Runs one attempt of one decoded job in its own consumer span: skip it (the ledger says it
 * already ended), refuse it (revoked, expired, or queued before a `ctl purge` mark) or wait for
 * its slot and the rate limiter (then refuse it if it expired meanwhile), report STARTED, run the
 * handler within its time limits, then settle the outcome:
 *
 * - the handler's result: SUCCESS, and the ledger remembers the job ended;
 * - revoked while it ran: REVOKED;
 * - aborted by the worker's shutdown: nothing reported, the message stays uncommitted and the
 *   next owner of the partition runs the job again;
 * - any other error of the handler: what follows a failed attempt (retry, failure, or REVOKED
 *   when the retry would come due after the job's expiry: failed-attempt.ts), and the ledger
 *   remembers the job's end.
 *
 * Only the handler's error is the job's, and a result the status topic cannot take (not the
 * stage's result contract, or too large: job-reporter.ts), which would fail the same way in
 * place forever and hold its partition's commits. When Redis, the broker or the schema registry fails
 * around it (the reads before it, the rate limiter, STARTED or SUCCESS not produced), `run`
 * rejects: the message stays uncommitted and is tried again in place after the infrastructure
 * backoff (message-intake.ts), with no attempt used up and no RETRY reported. Once the outcome
 * is reported, a ledger write that fails is tried again on its own until it is done: running
 * the job again for it would repeat its effects (a Redis restart in the middle of a run once ran
 * most jobs twice, test/integration/fault/redis-restart.test.ts).
 *
 * Abort reasons are recognised by their code (abort-reasons.ts): one may have been rebuilt
 * from a worker thread's message.
 *
 * Per-job waits are what bound a worker's throughput at a given concurrency (issue 12), so the
 * ledger, revocation and purge-mark reads are issued together (one round trip to Redis: ioredis
 * pipelines commands sent before the replies come), after the job is registered as running (a
 * revoke that lands during the reads aborts it, and it does not start). STARTED is queued but not
 * awaited before the handler runs: the shared batcher keeps it ahead of the job's later events,
 * and the attempt does not settle until it is produced.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { StageRequests } from '../../../topology/contracts.ts';
import type { Stage } from '../../../topology/stages.ts';
import type { JobHeader } from '../../../schemas/job-header.ts';
import type { JobState } from '../../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../../schemas/job-status-event.ts';
import type { Codec, SubjectBinding } from '../codec.ts';
import type { IncomingMessage, KafkaProducer } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import type { PurgeMarks } from '../purge-marks.ts';
import { abortReason, isRevoked, isShutdown } from './abort-reasons.ts';
import type { FailedAttemptHandler } from './failed-attempt.ts';
import { ATTEMPT_HEADER, NOT_BEFORE_HEADER, numberHeader } from './headers.ts';
import type { JobLedger } from './job-ledger.ts';
import { expiryRefusal } from './expiry.ts';
import { payloadPreview } from '../payload-preview.ts';
import { createJobReporter, isRefusedResult, type JobReporter } from './job-reporter.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { backoffMs } from './retry-policy.ts';
import type { Revocations } from './revocations.ts';
import { runAttempt } from './run-attempt.ts';
import { FREE_SLOT, type Slot } from './keyed-scheduler.ts';
import type { RunningJob, RunningJobs } from './running-jobs.ts';
import type { SequenceClock } from './sequence-clock.ts';
import type { JobContext, StageHandler, StageResult } from './stage.ts';
import type { StageMetrics } from './stage-metrics.ts';
import type { AttemptOutcome } from '../worker-metrics.ts';
import type { ResolvedStageOptions } from './stage-options.ts';

export interface JobRunnerOptions<S extends Stage> {
  stage: S;
  handler: StageHandler<S>;
  options: Pick<
    ResolvedStageOptions,
    'progressIntervalMs' | 'softTimeLimitMs' | 'hardTimeLimitMs' | 'infrastructureBackoff'
  >;
  producer: KafkaProducer;
  codec: Codec;
  clock: SequenceClock;
  workerId: string;
  statusTopic: string;
  /** The subject and contract status events are encoded with (the namespace's). */
  statusBinding: SubjectBinding<JobStatusEvent>;
  ledger: JobLedger;
  revocations: Revocations;
  purgeMarks: PurgeMarks;
  rateLimiter: RateLimiter | undefined;
  failedAttempt: FailedAttemptHandler;
  running: RunningJobs;
  tracer: Tracer;
  logger: Logger;
  now: () => number;
  /** The jitter of the infrastructure backoff (default Math.random). */
  random?: () => number;
  /** Where attempts are counted and timed (default: nowhere). */
  metrics?: StageMetrics;
}

/** What an attempt's error means for the job (pure): see the module comment. */
export function attemptOutcome(error: unknown): 'revoked' | 'shutdown' | 'failed' {
  if (isRevoked(error)) return 'revoked';
  if (isShutdown(error)) return 'shutdown';
  return 'failed';
}

/** Why a job must not start: it ends REVOKED with this code and message. */
export interface Refusal {
  code: 'SEDANO_ERR_JOB_REVOKED' | 'SEDANO_ERR_JOB_EXPIRED';
  message: string;
}

/**
 * Why a job must not start (pure), or null: its revocation's reason; past its `expiresAt`
 * (expiry.ts); `purged` below a purge mark.
 */
export function refusalOf(
  revoked: string | null,
  purgedBelow: number | undefined,
  queued: { offset: string; expiresAt: number | null },
  now: number,
): Refusal | null {
  if (revoked !== null) return { code: 'SEDANO_ERR_JOB_REVOKED', message: revoked };
  const expired = expiryRefusal(queued.expiresAt, now);
  if (expired !== null) return expired;
  if (purgedBelow !== undefined && Number(queued.offset) < purgedBelow) {
    return { code: 'SEDANO_ERR_JOB_REVOKED', message: 'purged' };
  }
  return null;
}

/**
 * What the handler threw (`cause`): the one error that is the job's, with its abort (revoke,
 * shutdown). Marking it, not the failures around it, keeps a job that succeeds free of wrappers.
 */
class HandlerFailure extends Error {
  constructor(cause: unknown) {
    super('the handler failed', { cause });
  }
}

/** What the stores say of a job about to start, read together. */
interface Admission {
  /** The terminal state the ledger remembers, or null. */
  ended: JobState | null;
  /** Why it must not start (refusalOf), or null. */
  refused: Refusal | null;
}

/** One attempt as the runner sees it while it runs. */
interface Attempt<S extends Stage> {
  message: IncomingMessage;
  request: StageRequests[S];
  number: number;
  logger: Logger;
  reporter: JobReporter;
  job: RunningJob;
  /** The attempt's consumer span: the handler runs in its context. */
  span: Span;
  /** True once the metrics were told it started: a job skipped as already ended never is. */
  counted: boolean;
  /** Where the handler runs (one of the stage's `concurrency`, keyed-scheduler.ts). */
  slot: Slot;
}

export class JobRunner<S extends Stage> {
  readonly #options: JobRunnerOptions<S>;
  #skipped = 0;
  /** True once the status events' schema id is known: encoding them needs the registry no more. */
  #statusSchemaKnown = false;

  constructor(options: JobRunnerOptions<S>) {
    this.#options = options;
  }

  /** Jobs skipped because the ledger said they had already ended, since start. */
  get skipped(): number {
    return this.#skipped;
  }

  /**
   * Runs one attempt; resolves true when the message may be committed. Only the handler holds
   * `slot`: the reads before it and the outcome's events and ledger write after it need none.
   */
  async run(
    message: IncomingMessage,
    request: StageRequests[S],
    traceContext: Context,
    slot: Slot = FREE_SLOT,
  ): Promise<boolean> {
    const { tracer, stage, running, now } = this.#options;
    const { jobId } = request.header;
    const number = numberHeader(message.headers, ATTEMPT_HEADER, 1);
    const span = tracer.startSpan(
      `${stage} process`,
      { kind: SpanKind.CONSUMER, attributes: { 'sedano.job_id': jobId, 'sedano.attempt': number } },
      traceContext,
    );
    const traceId = span.spanContext().traceId;
    const logger = this.#options.logger.child({ jobId, traceId, attempt: number });
    const job = running.start(jobId, number, now());
    const reporter = this.#reporter(request, number, traceId, logger);
    const attempt: Attempt<S> = { message, request, number, logger, reporter, job, span, counted: false, slot };
    // Undefined: left unfinished (shutdown, or settling it failed), so not committed.
    let outcome: AttemptOutcome | 'SKIPPED' | undefined;
    try {
      outcome = await this.#attempt(attempt);
      return outcome !== undefined;
    } catch (error) {
      slot.release();
      const ofTheJob = error instanceof HandlerFailure ? error.cause : error;
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(ofTheJob) });
      // Anything else is Redis or the broker failing around the job: tried again in place.
      if (!(error instanceof HandlerFailure) && !isRevoked(error) && !isShutdown(error)) throw error;
      outcome = await this.#settleError(attempt, ofTheJob);
      return outcome !== undefined;
    } finally {
      slot.release();
      running.end(job, outcome === 'SKIPPED' ? undefined : outcome);
      span.end();
      this.#measure(attempt, outcome);
    }
  }

  /** Reports the attempt to the metrics: its run time, and its wait since submitted (or due again). */
  #measure(attempt: Attempt<S>, outcome: AttemptOutcome | 'SKIPPED' | undefined): void {
    const { metrics, now } = this.#options;
    const { topic, timestampMs, headers } = attempt.message;
    if (metrics === undefined || !attempt.counted || outcome === 'SKIPPED') return;
    if (outcome === undefined) {
      metrics.abandoned(topic);
      return;
    }
    const { startedAt } = attempt.job.view;
    // A retry is produced back to its lane when due: its message's timestamp is when it was due.
    // A delayed job waits from its due time, not from its submission.
    const { submittedAt } = attempt.request.header;
    const queuedAt =
      attempt.number > 1 ? timestampMs : Math.max(submittedAt, numberHeader(headers, NOT_BEFORE_HEADER, submittedAt));
    metrics.ended(topic, outcome, now() - startedAt, startedAt - queuedAt);
  }

  /**
   * Runs the attempt unless it is refused; resolves with its outcome (it may be committed), or
   * undefined when the worker's shutdown came before the ledger could be written.
   */
  async #attempt(attempt: Attempt<S>): Promise<'SUCCESS' | 'REVOKED' | 'SKIPPED' | undefined> {
    const { rateLimiter, handler, options } = this.#options;
    const { request, reporter, job, message } = attempt;
    const { jobId } = request.header;
    const { ended, refused } = await this.#admission(request.header, message);
    if (ended !== null) return this.#skip(attempt, ended);
    // Before a handler first runs, not after: STARTED is not awaited before the handler, and a
    // STARTED the registry could not encode ran it twice (registry-outage.test.ts).
    if (!this.#statusSchemaKnown) await this.#knowStatusSchema();
    this.#count(attempt);
    if (refused !== null) return this.#refuse(attempt, refused);
    // The handler's slot: a revoke (or shutdown) while the job waits for it rejects, and one
    // that came while the reads were in flight stops it here; either way the handler never starts.
    const { signal } = job.controller;
    await attempt.slot.acquire(signal);
    signal.throwIfAborted();
    // Awaited only when a limit holds the start: `await undefined` costs every job a promise and a turn.
    const limited = rateLimiter?.acquire(signal);
    if (limited !== undefined) await this.#rateLimited(limited, signal);
    // Again: a full worker, a paused stage or the rate limit may have held the job past its expiry.
    const expired = expiryRefusal(request.header.expiresAt, this.#options.now());
    if (expired !== null) {
      attempt.slot.release();
      return this.#refuse(attempt, expired);
    }
    // The handler starts now: the presence record shows it, and both metrics and STARTED count from here.
    this.#options.running.begin(job, this.#options.now());
    const started = reporter.started();
    const jobContext: JobContext<StageRequests[S]> = {
      job: request,
      jobId,
      attempt: attempt.number,
      signal,
      logger: attempt.logger,
      progress: (current, total, text, details) => {
        job.view.progress = { current, total, message: text ?? null };
        reporter.progress(current, total, text, details);
      },
    };
    let succeeded: Promise<void>;
    try {
      let result: StageResult;
      try {
        result = await context.with(trace.setSpan(context.active(), attempt.span), () =>
          runAttempt(handler, jobContext, job.controller, {
            softTimeLimitMs: request.header.softTimeLimitMs ?? options.softTimeLimitMs,
            hardTimeLimitMs: request.header.hardTimeLimitMs ?? options.hardTimeLimitMs,
          }),
        );
      } catch (error) {
        throw new HandlerFailure(error);
      }
      // Queued at once, behind STARTED even while STARTED is still in flight: the batcher sends
      // a job's events in order, in one request when they meet, and a STARTED that fails takes
      // every message queued behind it down unsent. Waiting for STARTED's acknowledgement first
      // cost each short job a broker round trip of latency (`npm run bench -- noop`).
      succeeded = reporter.succeeded(result);
      // Its failure is awaited below, once STARTED's (which wins) is known.
      succeeded.catch(() => {});
    } finally {
      // The handler returned: the next job may start while this one settles. However the
      // handler ended, the attempt settles only once STARTED is produced (its failure wins).
      attempt.slot.release();
      await started;
    }
    // A result the status topic cannot take fails the job (a retry would give it again); any
    // other failure to report SUCCESS is the broker's or the registry's: tried again in place.
    await succeeded.catch((error: unknown) => {
      throw isRefusedResult(error) ? new HandlerFailure(error) : error;
    });
    return this.#remember(attempt, 'SUCCESS');
  }

  /** Ends an attempt that must not start: REVOKED with the refusal's code, and the ledger told. */
  async #refuse(attempt: Attempt<S>, refusal: Refusal): Promise<'REVOKED' | undefined> {
    await attempt.reporter.revoked(refusal.message, refusal.code);
    return this.#remember(attempt, 'REVOKED');
  }

  async #knowStatusSchema(): Promise<void> {
    await this.#options.codec.prepare(this.#options.statusBinding);
    this.#statusSchemaKnown = true;
  }

  /** Waits for the rate limiter: its abort is the job's (revoke, shutdown), its other failures Redis's. */
  async #rateLimited(limited: Promise<void>, signal: AbortSignal): Promise<void> {
    try {
      await limited;
    } catch (error) {
      throw signal.aborted ? abortReason(signal) : error;
    }
  }

  /**
   * Writes the job's terminal state to the ledger once its outcome is reported, trying again
   * with the infrastructure backoff until it is written (module comment); resolves with the
   * state. Undefined when the worker's shutdown comes first: the message stays uncommitted, and
   * the job runs again on the next owner of its partition, as every job unfinished at a shutdown does.
   */
  async #remember<T extends JobState>(attempt: Attempt<S>, state: T): Promise<T | undefined> {
    const { ledger, running, options, random = Math.random } = this.#options;
    const { jobId } = attempt.request.header;
    const shutdown = running.allAborted;
    for (let failures = 1; ; failures += 1) {
      try {
        await ledger.recordTerminal(jobId, state);
        return state;
      } catch (error) {
        if (shutdown.aborted) return undefined;
        const delayMs = backoffMs(options.infrastructureBackoff, failures, random());
        attempt.logger.error(
          { err: error, state, failures, delayMs },
          'the job ended, but the ledger could not remember it; trying again',
        );
        const aborted = await sleep(delayMs, false, { signal: shutdown }).catch(() => true);
        if (aborted) return undefined;
      }
    }
  }

  /** Skips a job that already ended (a redelivery after a crash, a duplicate submission): no events. */
  #skip(attempt: Attempt<S>, ended: JobState): 'SKIPPED' {
    const { message } = attempt;
    this.#skipped += 1;
    attempt.span.setAttribute('sedano.skipped', ended);
    attempt.logger.info(
      { state: ended, topic: message.topic, offset: message.offset },
      `skipped: the job already ended (${ended})`,
    );
    return 'SKIPPED';
  }

  /** Tells the metrics the attempt started (once): after the reads, so a skipped job is not one. */
  #count(attempt: Attempt<S>): void {
    if (attempt.counted) return;
    attempt.counted = true;
    this.#options.metrics?.started(attempt.message.topic);
  }

  /** Reads the ledger, the revocation and the purge mark together (one round trip, not three). */
  async #admission(header: JobHeader, message: IncomingMessage): Promise<Admission> {
    const { ledger, revocations, purgeMarks, now } = this.#options;
    const [ended, revoked, purgedBelow] = await Promise.all([
      ledger.terminalState(header.jobId),
      revocations.reasonRevoked(header.jobId),
      purgeMarks.purgeMark(message.topic, message.partition),
    ]);
    const refused = refusalOf(revoked, purgedBelow, { offset: message.offset, expiresAt: header.expiresAt }, now());
    return { ended, refused };
  }

  /** Settles an attempt that threw; resolves with its outcome, undefined when it must not be committed. */
  async #settleError(attempt: Attempt<S>, error: unknown): Promise<AttemptOutcome | undefined> {
    // An attempt that failed before it was counted (revoked during its reads).
    this.#count(attempt);
    switch (attemptOutcome(error)) {
      case 'revoked':
        await attempt.reporter.revoked((error as Error).message);
        return this.#remember(attempt, 'REVOKED');
      case 'shutdown':
        return undefined;
      case 'failed': {
        attempt.logger.warn({ err: error }, 'attempt failed');
        const settled = await this.#options.failedAttempt(
          attempt.message,
          attempt.request.header,
          attempt.number,
          attempt.reporter,
          error,
        );
        if (settled === 'RETRY') return 'RETRY';
        return this.#remember(attempt, settled);
      }
    }
  }

  #reporter(request: StageRequests[S], attempt: number, traceId: string, logger: Logger): JobReporter {
    const { producer, codec, clock, stage, workerId, statusTopic, statusBinding, options, now } = this.#options;
    return createJobReporter({
      producer,
      codec,
      clock,
      stage,
      header: request.header,
      attempt,
      workerId,
      traceId,
      payloadPreview: () => payloadPreview(request),
      statusTopic,
      statusBinding,
      progressIntervalMs: options.progressIntervalMs,
      onProgressError: (error) => logger.warn({ err: error }, 'a PROGRESS event was not produced'),
      now,
    });
  }
}
