/**
 * A rate limit shared by every worker of a stage: at most `perSecond` jobs start in any
 * one-second window, counted in Redis (a fixed window per second, so the count is exact
 * across workers; a burst at a window's edge may start up to twice the rate within one second).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../topology/redis-keys.ts';

export interface RateLimiter {
  /** Resolves when a job may start; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  redis: Redis;
  /** Names the shared counter, e.g. the stage. */
  name: string;
  perSecond: number;
  /** The namespace's keys (`keys.rateWindow(name, second)`). */
  keys: Pick<RedisKeys, 'rateWindow'>;
  now?: () => number;
}

export function createRateLimiter({ redis, name, perSecond, keys, now = Date.now }: RateLimiterOptions): RateLimiter {
  return {
    async acquire(signal) {
      for (;;) {
        const current = now();
        const key = keys.rateWindow(name, Math.floor(current / 1000));
        const [[, count]] = (await redis.multi().incr(key).expire(key, 2).exec()) as [[null, number], [null, number]];
        if (count <= perSecond) return;
        await sleep(1000 - (current % 1000) + 1, undefined, { signal });
      }
    },
  };
}
