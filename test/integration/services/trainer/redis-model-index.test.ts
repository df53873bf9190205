/**
 * The model registry's Redis index on the real Redis: version numbers claimed concurrently are
 * all different, a job gets its own number back, and only recorded versions are visible.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedisModelIndex } from '../../../../services/trainer/model-registry/redis-model-index.ts';
import { modelVersionRecord } from './model-fixtures.ts';
import { redisClient } from '../../../support/resources.ts';

test('concurrent claims get distinct versions; a job gets its own back; only recorded versions are visible', async (t) => {
  const { redis, keys } = redisClient(t);
  // Two clients, as two workers would have.
  const other = redis.duplicate();
  t.after(() => other.disconnect());
  const first = createRedisModelIndex(redis, keys.models);
  const second = createRedisModelIndex(other, keys.models);
  const jobs = Array.from({ length: 40 }, () => crypto.randomUUID());
  const versions = await Promise.all(jobs.map((jobId, i) => (i % 2 === 0 ? first : second).claimVersion('m', jobId)));
  assert.deepEqual(
    [...versions].sort((a, b) => a - b),
    Array.from({ length: 40 }, (_, i) => i + 1),
  );
  assert.equal(await second.claimVersion('m', jobs[3] ?? ''), versions[3], 'a retried job claims its own version');

  assert.equal(await first.latestVersion('m'), undefined, 'claimed is not visible');
  assert.deepEqual(await first.list(), []);
  // Two runs finish out of order: the later-claimed version is recorded first.
  const [low, high] = [versions[2] ?? 0, versions[6] ?? 0].sort((a, b) => a - b) as [number, number];
  const jobOf = (version: number) => jobs[versions.indexOf(version)] ?? '';
  await first.record(modelVersionRecord('m', high, jobOf(high)));
  await second.record(modelVersionRecord('m', low, jobOf(low)));
  assert.equal(await second.latestVersion('m'), high, 'the highest recorded version, whatever the order');
  assert.deepEqual(
    (await first.versions('m')).map((found) => found.version),
    [low, high],
  );
  assert.equal((await first.findByJob('m', jobOf(high)))?.trainingJobId, jobOf(high));
  assert.equal(await first.findByJob('m', jobs[0] ?? ''), undefined, 'claimed but not recorded');
  assert.deepEqual(await second.list(), [{ modelName: 'm', latestVersion: high, versions: 2 }]);
});
