import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteKeys } from '../../../scripts/bench/cleanup.ts';
import { redisClient } from '../../support/resources.ts';

test("deleteKeys removes every key of a benchmark's namespace, in SCAN steps, and no other", async (t) => {
  const { redis, prefix } = redisClient(t);
  const bench = `${prefix}bench:`;
  const pipeline = redis.pipeline();
  // More than one SCAN step's worth (COUNT 1000), of several kinds, as a benchmark leaves them.
  for (let i = 0; i < 2500; i += 1) pipeline.set(`${bench}ledger:${i}`, 'SUCCESS', 'EX', 600);
  pipeline.hset(`${bench}status:job:1`, 'state', 'SUCCESS');
  pipeline.set(`${prefix}other:kept`, 'x', 'EX', 600);
  await pipeline.exec();

  assert.equal(await deleteKeys(redis, `${bench}*`), 2501);
  assert.deepEqual(await redis.keys(`${bench}*`), []);
  assert.equal(await redis.get(`${prefix}other:kept`), 'x');
});
