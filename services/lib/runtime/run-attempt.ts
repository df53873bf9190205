/**
 * Runs one attempt of a handler within its time limits: at the soft limit the handler's
 * signal aborts (it should stop and clean up); at the hard limit the attempt fails at once
 * with a time-limit error, whatever the handler does. The error a handler throws because
 * its signal was aborted is replaced by the abort's reason (time limit, revoke, shutdown).
 */
import { TimeLimitError } from './abort-reasons.ts';
import type { JobContext, StageResult } from './stage.ts';

export interface AttemptLimits {
  /** Milliseconds until the signal aborts; undefined for no limit. */
  softTimeLimitMs: number | undefined;
  /** Milliseconds until the attempt fails; undefined for no limit. */
  hardTimeLimitMs: number | undefined;
}

export async function runAttempt<Request>(
  handler: (context: JobContext<Request>) => Promise<StageResult>,
  context: JobContext<Request>,
  controller: AbortController,
  limits: AttemptLimits,
): Promise<StageResult> {
  const timers: NodeJS.Timeout[] = [];
  const { softTimeLimitMs: soft, hardTimeLimitMs: hard } = limits;
  if (soft !== undefined) timers.push(setTimeout(() => controller.abort(new TimeLimitError('soft', soft)), soft));
  let hardError: TimeLimitError | undefined;
  try {
    // Without a hard limit nothing races the handler (the race cost every job three promises).
    if (hard === undefined) return await handler(context);
    const hardLimit = new Promise<never>((_, reject) => {
      timers.push(
        setTimeout(() => {
          hardError = new TimeLimitError('hard', hard);
          controller.abort(hardError);
          reject(hardError);
        }, hard),
      );
    });
    return await Promise.race([handler(context), hardLimit]);
  } catch (error) {
    if (error === hardError) throw error;
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}
