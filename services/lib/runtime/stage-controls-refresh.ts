/**
 * Keeps a stage worker on what an operator set for the stage (services/lib/stage-controls.ts),
 * read before the stage takes jobs in, then every `intervalMs` (the presence interval: the next
 * presence record, and so `GET /v1/stages`, shows what is in force). A failed read keeps both.
 *
 * - The rate limit: the stage's rate-limit record when there is one, else the limit it declares.
 * - The concurrency: the stage's concurrency record when there is one (never above the worker's
 *   own), else the worker's own.
 * - The pause: the stage's pause record, when there is one. PAUSE_STAGE and RESUME_STAGE on the
 *   control topic apply at once; the record is what a worker started later learns, and what
 *   every worker comes back to within an interval whatever reached it: commands whose times
 *   came from gateways with clocks apart, or two given at once from two gateways, end in the
 *   order the topic holds them while the record holds the last one written. Without a record (a
 *   command produced straight to the topic), the commands alone decide.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { type PauseRecord, readConcurrencyRecord, readPauseRecord, readRateLimitRecord } from '../stage-controls.ts';
import type { StageRateLimiter } from './rate-limiter.ts';

export interface StageControlsRefreshOptions {
  redis: Redis;
  /** The stage's records (`keys.stagePause(stage)`, `keys.stageRateLimit(stage)`, `keys.stageConcurrency(stage)`). */
  keys: { pause: string; rateLimit: string; concurrency: string };
  limiter: StageRateLimiter;
  /** The limit the stage declares (`rateLimitPerSecond`); undefined: none. */
  declared: number | undefined;
  /** What holds the stage's intake, and how many jobs it runs at once (message-intake.ts). */
  intake: {
    readonly paused: boolean;
    pause(paused: boolean): void;
    readonly concurrency: number;
    setConcurrency(perWorker: number): number;
  };
  /** The concurrency the worker started with: the most it runs, and what it runs without a record. */
  ownConcurrency: number;
  intervalMs: number;
  logger: Logger;
}

export interface StageControlsRefresh {
  /** The pause record read first, if there was one (the control listener skips commands older than it). */
  readonly firstPauseRecord: PauseRecord | undefined;
  stop(): Promise<void>;
}

/** Applies the records once (rejecting when Redis cannot be read), then every interval until stopped. */
export async function startStageControlsRefresh(options: StageControlsRefreshOptions): Promise<StageControlsRefresh> {
  const { redis, keys, limiter, declared, intake, ownConcurrency, intervalMs, logger } = options;
  const applyRateLimit = async () => {
    const record = await readRateLimitRecord(redis, keys.rateLimit);
    const perSecond = record?.perSecond ?? declared;
    if (perSecond === limiter.perSecond) return;
    limiter.setPerSecond(perSecond);
    const by = record?.by ?? null;
    logger.info({ perSecond: perSecond ?? null, by }, by === null ? "the stage's own rate limit" : 'rate limit set');
  };
  const applyConcurrency = async () => {
    const record = await readConcurrencyRecord(redis, keys.concurrency);
    const wanted = Math.min(record?.perWorker ?? ownConcurrency, ownConcurrency);
    if (wanted === intake.concurrency) return;
    const perWorker = intake.setConcurrency(wanted);
    const by = record?.by ?? null;
    logger.info(
      { concurrency: perWorker, asked: record?.perWorker ?? null, by },
      by === null ? "the worker's own concurrency" : 'concurrency set',
    );
  };
  const applyPause = async () => {
    const record = await readPauseRecord(redis, keys.pause);
    if (record !== undefined && record.paused !== intake.paused) {
      logger.info(
        { by: record.by, at: record.at },
        `stage ${record.paused ? 'paused' : 'resumed'}: its pause record says so`,
      );
      intake.pause(record.paused);
    }
    return record;
  };
  const [firstPauseRecord] = await Promise.all([applyPause(), applyRateLimit(), applyConcurrency()]);
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = Promise.all([
      applyPause().catch((error: unknown) => {
        logger.warn({ err: error }, 'pause record not read; the stage stays as it is');
      }),
      applyRateLimit().catch((error: unknown) => {
        logger.warn({ err: error }, 'rate-limit record not read; the limit in force stays');
      }),
      applyConcurrency().catch((error: unknown) => {
        logger.warn({ err: error }, 'concurrency record not read; the concurrency in force stays');
      }),
    ]);
  }, intervalMs).unref();
  return {
    firstPauseRecord,
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
