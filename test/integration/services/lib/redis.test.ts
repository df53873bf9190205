import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redisClient } from '../../../support/resources.ts';

test('Redis answers, stores with an expiry and is version 7 or newer', async (t) => {
  const { redis, prefix } = redisClient(t);
  assert.equal(await redis.ping(), 'PONG');
  await redis.set(`${prefix}key`, 'value', 'EX', 60);
  assert.equal(await redis.get(`${prefix}key`), 'value');
  const ttl = await redis.ttl(`${prefix}key`);
  assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  const version = /redis_version:(\d+)/.exec(await redis.info('server'))?.[1];
  assert.ok(Number(version) >= 7, `redis_version ${version}`);
});
