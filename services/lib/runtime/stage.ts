/**
 * How a stage is declared: its name, its handler and its options. The runtime
 * (stage-runtime.ts) does everything else: consuming its lanes, status events, retries,
 * dead letters, idempotency, shutdown and tracing.
 *
 * A handler runs either on the event loop (`handler`: for work that mostly waits on I/O) or
 * in the stage's worker-thread pool (`handlerModule`: a module whose `handler` export does
 * CPU-heavy work, such as parsing documents, without stopping the consumer's heartbeats).
 */
import type { JobProgress } from '../../../schemas/job-progress.ts';
import type { JobStatusEvent } from '../../../schemas/job-status-event.ts';
import type { StageRequests } from '../../../topology/contracts.ts';
import type { Stage } from '../../../topology/stages.ts';
import type { Logger } from '../logger.ts';
import type { StageOptions } from './stage-options.ts';
import type { ThreadServicesFactory } from './thread-services.ts';

export type { StageOptions, ThreadOptions } from './stage-options.ts';
export type { MainThreadCalls, ThreadServices, ThreadServicesFactory } from './thread-services.ts';

/** Stage-specific progress details, as the status event carries them (wrapped by branch name). */
export type ProgressDetails = JobProgress['details'];

/** A stage's result, wrapped by the full name of its branch, e.g. `{ 'sedano.NoopResult': {...} }`. */
export type StageResult = NonNullable<JobStatusEvent['result']>;

/** What a handler gets for one attempt of one job. */
export interface JobContext<Request> {
  /** The request record, header included. */
  job: Request;
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the job is revoked, hits its soft time limit, or the worker shuts down. */
  signal: AbortSignal;
  /** A logger whose lines carry the job id and trace id. */
  logger: Logger;
  /** Reports progress; calls closer together than the stage's progress interval are merged. */
  progress: (current: number, total: number, message?: string | null, details?: ProgressDetails) => void;
}

/** Runs one attempt; resolves with the result, or throws (NonRetriableError to fail at once). */
export type StageHandler<S extends Stage> = (context: JobContext<StageRequests[S]>) => Promise<StageResult>;

export type StageDefinition<S extends Stage> = {
  stage: S;
  options?: StageOptions;
} & (
  | { handler: StageHandler<S>; handlerModule?: never; handlerData?: never; threadServices?: never }
  | {
      /**
       * A module (file URL) whose `handler` export, a StageHandler, runs in the stage's
       * worker-thread pool. Requests and results cross threads by structured clone.
       */
      handlerModule: URL;
      /**
       * Given, by structured clone, to the module's `createHandler(handlerData)` export in every
       * thread (a module without one exports `handler`): the stage's resolved settings, since
       * threads never read the environment.
       */
      handlerData?: unknown;
      /**
       * Services the threads call in the main thread (thread-services.ts), given to
       * `createHandler` as its second argument: what should exist once per process rather
       * than once per thread, such as a store connection. Opened on the first call.
       */
      threadServices?: ThreadServicesFactory;
      handler?: never;
    }
);

/** Declares a stage (an identity function that gives the handler its types). */
export function defineStage<S extends Stage>(definition: StageDefinition<S>): StageDefinition<S> {
  return definition;
}
