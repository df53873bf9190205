/**
 * A rate limit shared by every worker of a stage: at most `perSecond` jobs start in any
 * one-second window, counted in Redis (a fixed window per second, so the count is exact
 * across workers; a burst at a window's edge may start up to twice the rate within one second).
 * The limit may change while the stage runs (an operator's rate-limit record,
 * stage-controls-refresh.ts); without one, a start asks nothing of Redis.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../topology/redis-keys.ts';

export interface RateLimiter {
  /**
   * Undefined when no limit is in force: there is nothing to wait for, and awaiting a resolved
   * promise cost every job of a stage without a limit two promises and a turn (issue 12).
   * Otherwise resolves when a job may start, and rejects if `signal` aborts first.
   */
  acquire(signal?: AbortSignal): Promise<void> | undefined;
}

/** The stage's limiter, whose limit can be changed while it runs. */
export interface StageRateLimiter extends RateLimiter {
  /** The limit in force, job starts per second; undefined: none. */
  readonly perSecond: number | undefined;
  setPerSecond(perSecond: number | undefined): void;
}

export interface RateLimiterOptions {
  redis: Redis;
  /** Names the shared counter, e.g. the stage. */
  name: string;
  /** The limit to start with; undefined: none. */
  perSecond: number | undefined;
  /** The namespace's keys (`keys.rateWindow(name, second)`). */
  keys: Pick<RedisKeys, 'rateWindow'>;
  now?: () => number;
}

export function createRateLimiter({
  redis,
  name,
  perSecond,
  keys,
  now = Date.now,
}: RateLimiterOptions): StageRateLimiter {
  let limit = perSecond;
  async function startWithinLimit(signal: AbortSignal | undefined): Promise<void> {
    // The limit is read on every try: a waiting start follows a change at its next window.
    while (limit !== undefined) {
      const current = now();
      const key = keys.rateWindow(name, Math.floor(current / 1000));
      const [[, count]] = (await redis.multi().incr(key).expire(key, 2).exec()) as [[null, number], [null, number]];
      if (limit === undefined || count <= limit) return;
      await sleep(1000 - (current % 1000) + 1, undefined, { signal });
    }
  }
  return {
    get perSecond() {
      return limit;
    },
    setPerSecond(next) {
      limit = next;
    },
    acquire: (signal) => (limit === undefined ? undefined : startWithinLimit(signal)),
  };
}
