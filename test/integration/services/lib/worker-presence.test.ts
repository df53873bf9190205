import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import {
  createWorkerPresence,
  startPresenceHeartbeat,
  type WorkerRecord,
} from '../../../../services/lib/worker-presence.ts';
import { redisClient } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';

function workerRecord(workerId: string, overrides: Partial<WorkerRecord> = {}): WorkerRecord {
  return {
    workerId,
    stage: 'noop',
    host: 'test-host',
    pid: 4242,
    startedAt: Date.now() - 60_000,
    heartbeatAt: Date.now(),
    concurrency: 8,
    ownConcurrency: 8,
    rateLimitPerSecond: null,
    paused: false,
    running: [{ jobId: '00000000-0000-4000-8000-000000000001', attempt: 1, startedAt: Date.now(), progress: null }],
    processed: { succeeded: 5, failed: 1, retried: 2, revoked: 0 },
    loadAverage: [0.5, 0.25, 0.125],
    rssBytes: 100 * 1_048_576,
    ...overrides,
  };
}

test('published records are listed (by stage too) until removed', async (t) => {
  const { redis, keys } = redisClient(t);
  const presence = createWorkerPresence({ redis, keys });
  const noop = workerRecord('noop@a:1');
  const indexing = workerRecord('indexing@a:2', { stage: 'indexing', running: [] });
  await presence.publish(noop, 60_000);
  await presence.publish(indexing, 60_000);

  assert.deepEqual(await presence.list(), [indexing, noop]);
  assert.deepEqual(await presence.list('noop'), [noop]);
  assert.deepEqual(await presence.list('training'), []);

  await presence.remove(noop.workerId);
  assert.deepEqual(await presence.list(), [indexing]);
  assert.equal(await redis.exists(keys.workers.worker(noop.workerId)), 0);
});

test('a record that is not refreshed expires and leaves the index', async (t) => {
  const { redis, keys } = redisClient(t);
  const presence = createWorkerPresence({ redis, keys });
  await presence.publish(workerRecord('noop@a:1'), 300);
  assert.equal((await presence.list()).length, 1);
  await waitFor(async () => (await presence.list()).length === 0, { description: 'the record to expire' });
  assert.equal(await redis.zcard(keys.workers.index), 0, 'the index is pruned');
});

test('a malformed record is left out, the others are listed', async (t) => {
  const { redis, keys } = redisClient(t);
  const presence = createWorkerPresence({ redis, keys });
  await presence.publish(workerRecord('noop@a:1'), 60_000);
  await presence.publish(workerRecord('noop@a:2'), 60_000);
  await redis.set(keys.workers.worker('noop@a:2'), '{"not":"a worker"}', 'PX', 60_000);
  assert.deepEqual(
    (await presence.list()).map((record) => record.workerId),
    ['noop@a:1'],
  );
});

test('a worker of an earlier version, without counts, load, memory or own concurrency, is listed with them null, its concurrency its own', async (t) => {
  const { redis, keys } = redisClient(t);
  const presence = createWorkerPresence({ redis, keys });
  const {
    processed: _p,
    loadAverage: _l,
    rssBytes: _r,
    ownConcurrency: _o,
    ...earlier
  } = workerRecord('noop@old:1', { concurrency: 3 });
  await presence.publish(earlier as WorkerRecord, 60_000);
  assert.deepEqual(await presence.list(), [
    { ...earlier, ownConcurrency: 3, processed: null, loadAverage: null, rssBytes: null },
  ]);
});

test('pongs are recorded per command', async (t) => {
  const { redis, keys } = redisClient(t);
  const presence = createWorkerPresence({ redis, keys });
  await presence.recordPong('cmd-1', 'noop@b:2', 1_500);
  await presence.recordPong('cmd-1', 'noop@a:1', 42);
  await presence.recordPong('cmd-2', 'noop@c:3', 7);
  assert.deepEqual(await presence.pongs('cmd-1'), [
    { workerId: 'noop@a:1', uptimeMs: 42 },
    { workerId: 'noop@b:2', uptimeMs: 1_500 },
  ]);
  assert.deepEqual(await presence.pongs('cmd-unknown'), []);
  const ttl = await redis.ttl(keys.workers.pong('cmd-1'));
  assert.ok(ttl > 0 && ttl <= 300, `pong ttl ${ttl}`);
});

test('a PING is known once its sender recorded it or a worker answered it; an unknown one is not', async (t) => {
  const { redis, keys } = redisClient(t);
  const presence = createWorkerPresence({ redis, keys });
  assert.equal(await presence.pingKnown('cmd-unknown'), false);
  await presence.recordPing('cmd-sent', 1_000);
  assert.equal(await presence.pingKnown('cmd-sent'), true, 'sent, no answer yet');
  await presence.recordPong('cmd-answered', 'noop@a:1', 42);
  assert.equal(await presence.pingKnown('cmd-answered'), true, 'answered, sent by a client that did not record it');
  const ttl = await redis.ttl(keys.workers.ping('cmd-sent'));
  assert.ok(ttl > 0 && ttl <= 300, `ping ttl ${ttl}`);
});

test('the heartbeat publishes at once, refreshes, and removes the record when stopped', async (t) => {
  const { redis, keys } = redisClient(t);
  const presence = createWorkerPresence({ redis, keys });
  let snapshots = 0;
  const heartbeat = startPresenceHeartbeat({
    presence,
    intervalMs: 100,
    snapshot: () => {
      snapshots += 1;
      return workerRecord('noop@a:1', { running: [], heartbeatAt: 0 });
    },
    logger: pino({ level: 'silent' }),
  });
  t.after(() => heartbeat.stop());
  const [first] = await waitFor(
    async () => {
      const records = await presence.list();
      return records.length === 1 && records;
    },
    { description: 'the first heartbeat' },
  );
  assert.ok(first !== undefined && first.heartbeatAt > 0, 'heartbeatAt is the publication time');
  // The host's load and the process's memory, read at the heartbeat, not the snapshot's.
  assert.equal(first.loadAverage?.length, 3);
  assert.ok(first.rssBytes !== null && first.rssBytes > 10 * 1_048_576 && first.rssBytes !== 100 * 1_048_576);
  const ttl = await redis.pttl(keys.workers.worker('noop@a:1'));
  assert.ok(ttl > 0 && ttl <= 300, `expiry of three heartbeats, got ${ttl} ms`);
  await waitFor(
    async () => {
      const [record] = await presence.list();
      return record !== undefined && record.heartbeatAt > first.heartbeatAt;
    },
    { description: 'a later heartbeat' },
  );
  await heartbeat.stop();
  const after = snapshots;
  assert.deepEqual(await presence.list(), []);
  await heartbeat.stop();
  assert.equal(snapshots, after, 'no heartbeat after stop');
});
