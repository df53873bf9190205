/**
 * A stage's options in three steps, in the spirit of Temporal's `WorkerOptions` ->
 * `compileWorkerOptions`: `StageOptions` is what a stage declares (every field optional,
 * durations as numbers of milliseconds), `resolveStageOptions` validates it (every problem at
 * once) and applies the defaults, each written once below with its `@default`, and
 * `ResolvedStageOptions` is what the runtime reads: readonly, complete, units in the names.
 */
import Type from 'typebox';
import { SedanoError } from '../errors.ts';
import { optionsProblems, withoutUndefined } from '../options.ts';
import { type BackoffPolicy, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';

/** How a stage runs, as its definition (or the service's settings) declares it. */
export interface StageOptions {
  /**
   * Jobs run at once by one process, more than the partitions it owns.
   * @default 8
   */
  concurrency?: number;
  /**
   * Retry defaults of the stage; each job's header may override them.
   * @default { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 300000, backoffMultiplier: 2 }
   */
  retry?: Partial<RetryPolicy>;
  /**
   * How long to wait before trying a message again when processing it failed because Kafka, the
   * schema registry or Redis did (not the job): it stays uncommitted and is tried in place.
   * @default { initialBackoffMs: 1000, maxBackoffMs: 30000, backoffMultiplier: 2 }
   */
  infrastructureBackoff?: Partial<BackoffPolicy>;
  /**
   * Shortest time between two PROGRESS events of one job, in milliseconds.
   * @default 500
   */
  progressIntervalMs?: number;
  /**
   * How long shutdown waits for running jobs before aborting them, in milliseconds.
   * @default 30000
   */
  shutdownGraceMs?: number;
  /**
   * How long each later shutdown step (aborted jobs ending, threads, the commit, leaving the
   * group, closing the producer) may take before the shutdown goes on without it, in
   * milliseconds. A step that overruns is logged by name and leaves the runtime `failed`; what
   * it did not finish stays uncommitted, so the next owner runs it again.
   * @default 10000
   */
  shutdownStepTimeoutMs?: number;
  /**
   * Default soft time limit: the handler's signal aborts, in milliseconds; a job's header may set its own.
   * @default undefined (no limit)
   */
  softTimeLimitMs?: number;
  /**
   * Default hard time limit: the attempt fails, in milliseconds; a job's header may set its own.
   * @default undefined (no limit)
   */
  hardTimeLimitMs?: number;
  /**
   * Jobs that may start per second over all the stage's workers.
   * @default undefined (no limit)
   */
  rateLimitPerSecond?: number;
  /** The worker-thread pool of a stage declared with `handlerModule`. */
  threads?: ThreadOptions;
  /**
   * Time between two commits of the finished jobs' offsets, in milliseconds: at most this much
   * finished work is run again after a crash.
   * @default 1000
   */
  commitIntervalMs?: number;
  /**
   * Longest time a fetch waits for messages while none of the worker's partitions is paused,
   * in milliseconds: an idle worker asks the broker this often. While the admission gate holds
   * partitions paused, fetches wait at most 20 ms (stage-assembly.ts).
   * @default 100
   */
  fetchMaxWaitMs?: number;
  /**
   * Time between two presence heartbeats of the worker, in milliseconds.
   * @default 5000
   */
  presenceIntervalMs?: number;
  /**
   * The job consumer's session timeout, in milliseconds: how soon a crashed worker's jobs move
   * to another worker (or to the same worker restarted: kafkajs has no static membership). 6 s
   * is the broker's default minimum and the Kafka client's default (services/lib/kafka.ts); a
   * SIGKILLed noop worker restarted at once ran jobs again after 31.2 s with 30 s.
   * @default 6000
   */
  sessionTimeoutMs?: number;
}

export interface ThreadOptions {
  /**
   * Threads in the pool.
   * @default the stage's concurrency
   */
  size?: number;
  /**
   * A thread is replaced after this many jobs, like Celery's max-tasks-per-child.
   * @default undefined (never)
   */
  maxJobsPerThread?: number;
  /**
   * A thread is replaced after a job that leaves its heap above this many MiB.
   * @default undefined (never)
   */
  maxHeapMb?: number;
  /**
   * Ceiling of each thread's V8 young generation, in MiB (the worker's
   * `resourceLimits.maxYoungGenerationSizeMb`). V8 grows an allocation-heavy thread's young
   * generation to tens of MiB, once per thread; a lower ceiling means more frequent, shorter
   * scavenges and less resident memory.
   * @default undefined (V8's own sizing)
   */
  maxYoungGenerationMb?: number;
  /**
   * Ceiling of each thread's V8 old generation, in MiB (the worker's
   * `resourceLimits.maxOldGenerationSizeMb`). Besides the ceiling (a thread above it dies, and
   * its job fails and is retried), V8 sizes how far a heap grows between full collections by it:
   * under about 2 GiB it lets garbage pile up far less (a growing factor of 1.3-2 rather than 4),
   * so a thread's resident memory stays nearer what it really holds.
   * @default undefined (V8's own sizing, from the machine's memory)
   */
  maxOldGenerationMb?: number;
  /**
   * How long a thread may take to stop after its job's signal aborted (revoke, soft limit,
   * shutdown) before it is terminated, in milliseconds. The hard limit terminates at once.
   * @default 1000
   */
  abortGraceMs?: number;
}

export interface ResolvedThreadOptions {
  readonly size: number;
  readonly maxJobsPerThread: number | undefined;
  readonly maxHeapMb: number | undefined;
  readonly maxYoungGenerationMb: number | undefined;
  readonly maxOldGenerationMb: number | undefined;
  readonly abortGraceMs: number;
}

/** StageOptions with every default applied (see each field of StageOptions). */
export interface ResolvedStageOptions {
  readonly concurrency: number;
  readonly retry: Readonly<RetryPolicy>;
  readonly infrastructureBackoff: Readonly<BackoffPolicy>;
  readonly progressIntervalMs: number;
  readonly shutdownGraceMs: number;
  readonly shutdownStepTimeoutMs: number;
  readonly softTimeLimitMs: number | undefined;
  readonly hardTimeLimitMs: number | undefined;
  readonly rateLimitPerSecond: number | undefined;
  readonly threads: ResolvedThreadOptions;
  readonly commitIntervalMs: number;
  readonly fetchMaxWaitMs: number;
  readonly presenceIntervalMs: number;
  readonly sessionTimeoutMs: number;
}

/** The defaults, as documented on StageOptions and ThreadOptions. */
const DEFAULTS = {
  concurrency: 8,
  infrastructureBackoff: { initialBackoffMs: 1_000, maxBackoffMs: 30_000, backoffMultiplier: 2 },
  progressIntervalMs: 500,
  shutdownGraceMs: 30_000,
  shutdownStepTimeoutMs: 10_000,
  commitIntervalMs: 1_000,
  fetchMaxWaitMs: 100,
  presenceIntervalMs: 5_000,
  sessionTimeoutMs: 6_000,
  abortGraceMs: 1_000,
} as const;

const positiveInteger = Type.Optional(Type.Integer({ minimum: 1 }));
const positiveMs = Type.Optional(Type.Number({ exclusiveMinimum: 0 }));
const nonNegativeMs = Type.Optional(Type.Number({ minimum: 0 }));
const backoffFields = {
  initialBackoffMs: nonNegativeMs,
  maxBackoffMs: nonNegativeMs,
  backoffMultiplier: Type.Optional(Type.Number({ minimum: 1 })),
};
const closed = { additionalProperties: false } as const;

const StageOptionsSchema = Type.Object(
  {
    concurrency: positiveInteger,
    retry: Type.Optional(Type.Object({ maxAttempts: positiveInteger, ...backoffFields }, closed)),
    infrastructureBackoff: Type.Optional(Type.Object(backoffFields, closed)),
    progressIntervalMs: nonNegativeMs,
    shutdownGraceMs: nonNegativeMs,
    shutdownStepTimeoutMs: positiveMs,
    softTimeLimitMs: positiveMs,
    hardTimeLimitMs: positiveMs,
    rateLimitPerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    threads: Type.Optional(
      Type.Object(
        {
          size: positiveInteger,
          maxJobsPerThread: positiveInteger,
          maxHeapMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          maxYoungGenerationMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          maxOldGenerationMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          abortGraceMs: nonNegativeMs,
        },
        closed,
      ),
    ),
    commitIntervalMs: positiveMs,
    fetchMaxWaitMs: nonNegativeMs,
    presenceIntervalMs: positiveMs,
    sessionTimeoutMs: positiveMs,
  },
  closed,
);

/** Every problem with `options`, each with its path (`/threads/size: ...`); empty when valid (pure). */
export function stageOptionsProblems(options: StageOptions): string[] {
  return optionsProblems(StageOptionsSchema, options);
}

/**
 * Validates `options` and applies the defaults (pure). Throws SEDANO_ERR_STAGE_OPTIONS_INVALID
 * naming every invalid or unknown option at once.
 */
export function resolveStageOptions(options: StageOptions = {}): ResolvedStageOptions {
  const problems = stageOptionsProblems(options);
  if (problems.length > 0) {
    throw new SedanoError('SEDANO_ERR_STAGE_OPTIONS_INVALID', `invalid stage options: ${problems.join('; ')}`);
  }
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  const threads = options.threads ?? {};
  return Object.freeze({
    concurrency,
    retry: Object.freeze({ ...DEFAULT_RETRY_POLICY, ...withoutUndefined(options.retry ?? {}) }),
    infrastructureBackoff: Object.freeze({
      ...DEFAULTS.infrastructureBackoff,
      ...withoutUndefined(options.infrastructureBackoff ?? {}),
    }),
    progressIntervalMs: options.progressIntervalMs ?? DEFAULTS.progressIntervalMs,
    shutdownGraceMs: options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs,
    shutdownStepTimeoutMs: options.shutdownStepTimeoutMs ?? DEFAULTS.shutdownStepTimeoutMs,
    softTimeLimitMs: options.softTimeLimitMs,
    hardTimeLimitMs: options.hardTimeLimitMs,
    rateLimitPerSecond: options.rateLimitPerSecond,
    threads: Object.freeze({
      size: threads.size ?? concurrency,
      maxJobsPerThread: threads.maxJobsPerThread,
      maxHeapMb: threads.maxHeapMb,
      maxYoungGenerationMb: threads.maxYoungGenerationMb,
      maxOldGenerationMb: threads.maxOldGenerationMb,
      abortGraceMs: threads.abortGraceMs ?? DEFAULTS.abortGraceMs,
    }),
    commitIntervalMs: options.commitIntervalMs ?? DEFAULTS.commitIntervalMs,
    fetchMaxWaitMs: options.fetchMaxWaitMs ?? DEFAULTS.fetchMaxWaitMs,
    presenceIntervalMs: options.presenceIntervalMs ?? DEFAULTS.presenceIntervalMs,
    sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULTS.sessionTimeoutMs,
  });
}

/** The object without its undefined fields, so an explicit `undefined` means "the default". */
