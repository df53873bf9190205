import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import { createRateLimiter } from '../../../../../services/lib/runtime/rate-limiter.ts';
import { redisKeys } from '../../../../../topology/redis-keys.ts';

/** A Redis that counts a window's starts as the limiter's transaction does (INCR, EXPIRE). */
function countingRedis() {
  const counts = new Map<string, number>();
  let transactions = 0;
  const redis = {
    multi() {
      let key = '';
      const chain = {
        incr(name: string) {
          key = name;
          return chain;
        },
        expire: () => chain,
        exec: async () => {
          transactions += 1;
          const count = (counts.get(key) ?? 0) + 1;
          counts.set(key, count);
          return [
            [null, count],
            [null, 1],
          ];
        },
      };
      return chain;
    },
  };
  return { redis: redis as unknown as Redis, transactions: () => transactions };
}

test('without a limit a start waits for nothing and asks Redis nothing; with one it counts in Redis', async () => {
  const { redis, transactions } = countingRedis();
  const limiter = createRateLimiter({
    redis,
    name: 'noop',
    perSecond: undefined,
    keys: redisKeys('sedano-unit'),
    now: () => 5_000,
  });
  assert.equal(limiter.acquire(), undefined);
  assert.equal(transactions(), 0);

  limiter.setPerSecond(2);
  const limited = limiter.acquire();
  assert.ok(limited instanceof Promise);
  await limited;
  await limiter.acquire();
  assert.equal(transactions(), 2);

  limiter.setPerSecond(undefined);
  assert.equal(limiter.acquire(), undefined);
  assert.equal(transactions(), 2);
});
