import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPurgeMarks } from '../../../../services/lib/purge-marks.ts';
import { redisClient } from '../../../support/resources.ts';

test('marks are stored per partition and read back', async (t) => {
  const { redis, keys } = redisClient(t);
  const marks = createPurgeMarks({ redis, keys });
  await marks.markPurge('sedano.jobs.noop.low', [
    { partition: 0, offset: 12 },
    { partition: 3, offset: 0 },
  ]);
  assert.equal(await marks.purgeMark('sedano.jobs.noop.low', 0), 12);
  assert.equal(await marks.purgeMark('sedano.jobs.noop.low', 3), 0);
  assert.equal(await marks.purgeMark('sedano.jobs.noop.low', 1), undefined);
  assert.equal(await marks.purgeMark('sedano.jobs.noop.high', 0), undefined);
  assert.equal(await redis.get(keys.purgeMark('sedano.jobs.noop.low', 0)), '12');
  const ttl = await redis.ttl(keys.purgeMark('sedano.jobs.noop.low', 0));
  assert.ok(ttl > 7 * 86_400, `kept longer than a job topic's retention, got ${ttl} s`);
});

test('a mark read is reused for cacheMs, then read again; marking in this process is seen at once', async (t) => {
  const { redis, keys } = redisClient(t);
  let now = 1_000_000;
  const reader = createPurgeMarks({ redis, keys, cacheMs: 1_000, now: () => now });
  const writer = createPurgeMarks({ redis, keys });
  assert.equal(await reader.purgeMark('topic', 0), undefined);
  await writer.markPurge('topic', [{ partition: 0, offset: 5 }]);
  assert.equal(await reader.purgeMark('topic', 0), undefined, 'cached');
  now += 1_000;
  assert.equal(await reader.purgeMark('topic', 0), 5, 'read again after cacheMs');
  await reader.markPurge('topic', [{ partition: 0, offset: 9 }]);
  assert.equal(await reader.purgeMark('topic', 0), 9, 'own mark not hidden by the cache');
});

test('bad partitions or offsets are refused before anything is written', async (t) => {
  const { redis, keys } = redisClient(t);
  const marks = createPurgeMarks({ redis, keys });
  await assert.rejects(
    marks.markPurge('topic', [
      { partition: 0, offset: 3 },
      { partition: 1, offset: -1 },
    ]),
    /bad offset/,
  );
  await assert.rejects(marks.markPurge('topic', [{ partition: 1.5, offset: 3 }]), /bad partition/);
  assert.deepEqual(await redis.keys(keys.pattern), []);
});

test('a mark that is not an offset is an error, not a silent "never purged"', async (t) => {
  const { redis, keys } = redisClient(t);
  const marks = createPurgeMarks({ redis, keys });
  await redis.set(keys.purgeMark('topic', 0), 'twelve', 'EX', 60);
  await assert.rejects(marks.purgeMark('topic', 0), /is not an offset/);
});
