/**
 * The handler the runtime calls for a stage: its `handler` as declared, run on the event loop,
 * or, for a stage declared with `handlerModule`, a call into the stage's worker-thread pool
 * that passes the job, its signal, its progress and its trace context across (stage.ts).
 */
import type { Stage } from '../../../topology/stages.ts';
import type { Logger } from '../logger.ts';
import { traceHeaders } from '../telemetry.ts';
import type { StageDefinition, StageHandler } from './stage.ts';
import type { ResolvedThreadOptions } from './stage-options.ts';
import { ThreadPool, type ThreadPoolEvents } from './thread-pool.ts';

export interface ResolvedHandler<S extends Stage> {
  handler: StageHandler<S>;
  /** The pool running it, for a stage declared with `handlerModule`. */
  threads: ThreadPool | undefined;
}

export function resolveStageHandler<S extends Stage>(
  definition: StageDefinition<S>,
  options: {
    threads: ResolvedThreadOptions;
    logger: Logger;
    telemetry: { serviceName: string; otlpEndpoint: string } | undefined;
    events?: ThreadPoolEvents;
  },
): ResolvedHandler<S> {
  if (definition.handlerModule === undefined) return { handler: definition.handler, threads: undefined };
  const pool = new ThreadPool({
    module: definition.handlerModule,
    ...options.threads,
    loggerName: `sedano-${definition.stage}`,
    handlerData: definition.handlerData,
    services: definition.threadServices,
    logger: options.logger,
    telemetry: options.telemetry,
    events: options.events,
  });
  const handler: StageHandler<S> = (job) =>
    pool.run({
      job: job.job,
      jobId: job.jobId,
      attempt: job.attempt,
      logBindings: job.logger.bindings(),
      signal: job.signal,
      // Called inside the consumer span's context (runAttempt runs in it).
      traceHeaders: traceHeaders(),
      onProgress: (current, total, message, details) => job.progress(current, total, message, details),
    });
  return { handler, threads: pool };
}
