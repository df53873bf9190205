/**
 * Keeps the stage's rate limiter on what an operator set (services/lib/stage-controls.ts): the
 * stage's rate-limit record when there is one, else the limit the stage declares. Read before
 * the stage takes jobs in, then every `intervalMs` (the presence interval: the next presence
 * record, and so `GET /v1/stages`, shows the limit in force). A failed read keeps the limit.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { readRateLimitRecord } from '../stage-controls.ts';
import type { StageRateLimiter } from './rate-limiter.ts';

export interface RateLimitRefreshOptions {
  redis: Redis;
  /** The stage's rate-limit record (`keys.stageRateLimit(stage)`). */
  key: string;
  limiter: StageRateLimiter;
  /** The limit the stage declares (`rateLimitPerSecond`); undefined: none. */
  declared: number | undefined;
  intervalMs: number;
  logger: Logger;
}

export interface RateLimitRefresh {
  stop(): Promise<void>;
}

/** Applies the record once (rejecting when Redis cannot be read), then every interval until stopped. */
export async function startRateLimitRefresh(options: RateLimitRefreshOptions): Promise<RateLimitRefresh> {
  const { redis, key, limiter, declared, intervalMs, logger } = options;
  const apply = async () => {
    const record = await readRateLimitRecord(redis, key);
    const perSecond = record?.perSecond ?? declared;
    if (perSecond === limiter.perSecond) return;
    limiter.setPerSecond(perSecond);
    const by = record?.by ?? null;
    logger.info({ perSecond: perSecond ?? null, by }, by === null ? "the stage's own rate limit" : 'rate limit set');
  };
  await apply();
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = apply().catch((error: unknown) => {
      logger.warn({ err: error }, 'rate-limit record not read; the limit in force stays');
    });
  }, intervalMs).unref();
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
