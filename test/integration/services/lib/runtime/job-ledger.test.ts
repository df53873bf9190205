import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createJobLedger } from '../../../../../services/lib/runtime/job-ledger.ts';
import { createRevocations } from '../../../../../services/lib/runtime/revocations.ts';
import { endpoints, redisClient } from '../../../../support/resources.ts';

/** Counts the commands a store sends through `redis` by name (its own methods, shadowed). */
function countCalls(redis: Redis, names: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const target = redis as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of names) {
    const original = target[name]!.bind(redis);
    target[name] = (...args: unknown[]) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return original(...args);
    };
  }
  return counts;
}

test('the ledger writes a turn of terminal states as one script, each with its expiry, and reads them as one MGET', async (t) => {
  const { redis, keys } = redisClient(t);
  const ledger = createJobLedger({ redis, keys, ttlSeconds: 3_600 });
  const counts = countCalls(redis, ['mget', 'sedanoSetAllWithExpiry']);
  const jobIds = Array.from({ length: 40 }, (_, i) => `job-${i}`);

  assert.deepEqual(
    await Promise.all(jobIds.map((jobId) => ledger.terminalState(jobId))),
    jobIds.map(() => null),
  );
  await Promise.all([
    ...jobIds.map((jobId, i) => ledger.recordTerminal(jobId, i % 2 === 0 ? 'SUCCESS' : 'FAILURE')),
    // The same job twice in one turn: the later state stays, as with two SETs.
    ledger.recordTerminal('job-0', 'REVOKED'),
  ]);
  const states = await Promise.all(jobIds.map((jobId) => ledger.terminalState(jobId)));

  assert.equal(states[0], 'REVOKED');
  assert.deepEqual(states.slice(1, 3), ['FAILURE', 'SUCCESS']);
  assert.equal(states.filter((state) => state === 'SUCCESS').length, 19);
  const ttl = await redis.ttl(keys.ledger('job-39'));
  assert.ok(ttl > 3_590 && ttl <= 3_600, `ttl ${ttl}`);
  assert.deepEqual(Object.fromEntries(counts), { mget: 2, sedanoSetAllWithExpiry: 1 });
});

test('on an auto-pipelined connection, as the service kit gives a stage runtime, the writes and reads land alike', async (t) => {
  const { redis: plain, keys } = redisClient(t);
  const redis = new Redis(endpoints().redisUrl, { enableAutoPipelining: true });
  t.after(() => redis.disconnect());
  const ledger = createJobLedger({ redis, keys });
  const jobIds = Array.from({ length: 30 }, (_, i) => `auto-${i}`);
  await Promise.all(jobIds.map((jobId) => ledger.recordTerminal(jobId, 'SUCCESS')));
  assert.deepEqual(
    await plain.mget(jobIds.map((jobId) => keys.ledger(jobId))),
    jobIds.map(() => 'SUCCESS'),
  );
  assert.deepEqual(await Promise.all([...jobIds, 'auto-none'].map((jobId) => ledger.terminalState(jobId))), [
    ...jobIds.map(() => 'SUCCESS'),
    null,
  ]);
});

test('a ledger read asked right after a write resolved sees it (a read never answers from before its question)', async (t) => {
  const { redis, keys } = redisClient(t);
  const ledger = createJobLedger({ redis, keys });
  const before = ledger.terminalState('job-a');
  await ledger.recordTerminal('job-a', 'SUCCESS');
  assert.equal(await before, null);
  assert.equal(await ledger.terminalState('job-a'), 'SUCCESS');
});

test('revocations asked about in one turn are read as one MGET', async (t) => {
  const { redis, keys } = redisClient(t);
  const revocations = createRevocations({ redis, keys });
  await revocations.revoke('job-2', 'not wanted');
  const counts = countCalls(redis, ['mget']);
  const reasons = await Promise.all(['job-1', 'job-2', 'job-3'].map((jobId) => revocations.reasonRevoked(jobId)));
  assert.deepEqual(reasons, [null, 'not wanted', null]);
  assert.equal(counts.get('mget'), 1);
});
