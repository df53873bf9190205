/**
 * Batches of status events applied to the view on a real Redis with one script: the ordering
 * rules hold inside a batch and across batches (a job's events in order; a terminal event never
 * overtaken by its PROGRESS; duplicates and reorderings), batch counts stay right, and a view
 * whose memory of a job is out of date (another writer changed it) reads it again.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import type { Redis } from 'ioredis';
import type { JobState } from '../../../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { createStatusView, type StatusView } from '../../../../services/lib/status-view.ts';
import { redisKeys, type StatusViewKeys } from '../../../../topology/redis-keys.ts';
import { onCleanup, redisClient, uniqueName } from '../../../support/resources.ts';
import { jobStatusEventSample } from '../../../unit/schemas/samples.ts';

/** Recent enough that terminal views do not expire at once. */
const BASE_TIME = Date.now();

function statusEvent(jobId: string, state: JobState, sequence: number, fields: Partial<JobStatusEvent> = {}) {
  const occurredAt = fields.occurredAt ?? BASE_TIME + sequence;
  const terminal = state === 'SUCCESS' || state === 'FAILURE' || state === 'REVOKED';
  return {
    ...jobStatusEventSample,
    jobId,
    state,
    sequence,
    progress: null,
    result: null,
    batchId: null,
    occurredAt,
    finishedAt: terminal ? occurredAt : null,
    ...fields,
  } satisfies JobStatusEvent;
}

function isolatedView(t: TestContext, redis: Redis): { view: StatusView; keys: StatusViewKeys } {
  const keys = redisKeys(uniqueName('test-view-batch')).status;
  const view = createStatusView({ redis, keys, resultTtlSeconds: 600 });
  onCleanup(t, () => view.clear());
  return { view, keys };
}

const progress = { current: 1, total: 2, percent: 50, message: null, details: null };

test('a job that starts and ends inside one batch ends in its last state, counted once in its batch', async (t) => {
  const { redis } = redisClient(t);
  const { view, keys } = isolatedView(t, redis);
  const [jobId, batchId] = [randomUUID(), randomUUID()];
  const outcomes = await view.applyBatch([
    statusEvent(jobId, 'PENDING', 0, { batchId }),
    statusEvent(jobId, 'STARTED', 10, { batchId }),
    statusEvent(jobId, 'PROGRESS', 11, { batchId, progress }),
    statusEvent(jobId, 'SUCCESS', 12, { batchId }),
  ]);
  assert.deepEqual(
    outcomes.map((o) => [o.applied, o.created, o.view?.state]),
    [
      [true, true, 'PENDING'],
      [true, false, 'STARTED'],
      [true, false, 'PROGRESS'],
      [true, false, 'SUCCESS'],
    ],
  );
  assert.equal((await view.get(jobId))?.state, 'SUCCESS');
  assert.deepEqual(await redis.hgetall(keys.batch(batchId)), { SUCCESS: '1' });
  assert.deepEqual(await redis.zrange(keys.state('SUCCESS'), 0, -1), [jobId]);
  for (const state of ['PENDING', 'STARTED', 'PROGRESS'] as const) {
    assert.equal(await redis.zcard(keys.state(state)), 0, state);
  }
  // The batch ended with its only job: it expires with the job's result.
  assert.ok((await redis.pttl(keys.batch(batchId))) > 0);
});

test('a terminal event is never overtaken by its PROGRESS, in the same batch or a later one', async (t) => {
  const { redis } = redisClient(t);
  const { view } = isolatedView(t, redis);
  const jobId = randomUUID();
  const result = { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };
  const outcomes = await view.applyBatch([
    statusEvent(jobId, 'STARTED', 10),
    statusEvent(jobId, 'SUCCESS', 30, { result }),
    statusEvent(jobId, 'PROGRESS', 20, { progress }),
    statusEvent(jobId, 'PROGRESS', 40, { progress }),
  ]);
  assert.deepEqual(
    outcomes.map((o) => (o.applied ? 'applied' : o.reason)),
    ['applied', 'applied', 'stale', 'terminal'],
  );
  const [late] = await view.applyBatch([statusEvent(jobId, 'PROGRESS', 50, { progress })]);
  assert.equal(late?.applied, false);
  const stored = await view.get(jobId);
  assert.equal(stored?.state, 'SUCCESS');
  assert.equal(stored?.sequence, 30);
  assert.equal(stored?.result?.kind, 'sedano.NoopResult');
});

test('a job retried or run again on a worker whose clock is behind ends in its terminal state, counted once', async (t) => {
  const { redis } = redisClient(t);
  const { view, keys } = isolatedView(t, redis);
  const [retried, rerun, batchId] = [randomUUID(), randomUUID(), randomUUID()];
  const result = { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };
  // Each second worker's clock is 5 ms behind the first's; the batches come one at a time, as the topic has them.
  for (const events of [
    [
      statusEvent(retried, 'STARTED', 100, { batchId, attempt: 1 }),
      statusEvent(rerun, 'STARTED', 100, { batchId, attempt: 1 }),
    ],
    [
      statusEvent(retried, 'RETRY', 101, { batchId, attempt: 1 }),
      statusEvent(rerun, 'STARTED', 95, { batchId, attempt: 1 }),
    ],
    [
      statusEvent(retried, 'STARTED', 96, { batchId, attempt: 2 }),
      statusEvent(rerun, 'PROGRESS', 96, { batchId, attempt: 1, progress }),
    ],
    [
      statusEvent(retried, 'SUCCESS', 97, { batchId, attempt: 2, result }),
      statusEvent(rerun, 'SUCCESS', 97, { batchId, attempt: 1, result }),
    ],
  ]) {
    await view.applyBatch(events);
  }
  for (const jobId of [retried, rerun]) assert.equal((await view.get(jobId))?.state, 'SUCCESS', jobId);
  const counts = Object.entries(await redis.hgetall(keys.batch(batchId))).filter(([, count]) => count !== '0');
  assert.deepEqual(counts, [['SUCCESS', '2']]);
});

test('duplicates and reorderings inside batches give the views and counts of one event at a time', async (t) => {
  const { redis } = redisClient(t);
  const batched = isolatedView(t, redis);
  const single = isolatedView(t, redis);
  const batchId = randomUUID();
  const jobs = Array.from({ length: 6 }, () => randomUUID());
  const lives: JobState[] = ['PENDING', 'STARTED', 'PROGRESS', 'RETRY', 'STARTED', 'SUCCESS'];
  const events = jobs.flatMap((jobId, j) =>
    lives
      .slice(0, 2 + j)
      .map((state, i) => statusEvent(jobId, state, i === 0 ? 0 : 100 * i + j, { batchId, progress })),
  );
  // A fixed shuffle with duplicates: every event twice, the second copies in reverse.
  let seed = 7;
  const shuffled = [...events]
    .map((event) => ({ event, key: (seed = (seed * 48271) % 2147483647) }))
    .sort((a, b) => a.key - b.key)
    .map(({ event }) => event);
  const stream = [...shuffled, ...[...events].reverse()];
  for (let start = 0; start < stream.length; start += 7) await batched.view.applyBatch(stream.slice(start, start + 7));
  for (const event of stream) await single.view.apply(event);
  for (const jobId of jobs) {
    assert.deepEqual(await batched.view.get(jobId), await single.view.get(jobId), jobId);
  }
  assert.deepEqual(await batched.view.batchCounts(batchId), await single.view.batchCounts(batchId));
  const counts = await batched.view.batchCounts(batchId);
  assert.equal(
    Object.values(counts ?? {}).reduce((sum, n) => sum + n, 0),
    jobs.length,
  );
});

test('a view whose memory of a job is out of date reads it again instead of overwriting', async (t) => {
  const { redis: first } = redisClient(t);
  const { redis: second } = redisClient(t);
  const { view, keys } = isolatedView(t, first);
  const other = createStatusView({ redis: second, keys, resultTtlSeconds: 600 });
  const jobId = randomUUID();
  await view.applyBatch([statusEvent(jobId, 'STARTED', 10)]);
  await other.applyBatch([statusEvent(jobId, 'FAILURE', 30)]);
  const [outcome] = await view.applyBatch([statusEvent(jobId, 'PROGRESS', 20, { progress })]);
  assert.equal(outcome?.applied, false);
  assert.equal((await view.get(jobId))?.state, 'FAILURE');
  // A job it never saw that another writer already finished: not taken for a new one.
  const seen = randomUUID();
  await other.applyBatch([statusEvent(seen, 'SUCCESS', 30)]);
  const [pending] = await view.applyBatch([statusEvent(seen, 'PENDING', 0)]);
  assert.deepEqual([pending?.applied, pending?.created], [false, false]);
  assert.equal((await view.get(seen))?.state, 'SUCCESS');
});

test('a batch larger than one script is applied in slices, with the same outcomes and counts', async (t) => {
  const { redis } = redisClient(t);
  const { view } = isolatedView(t, redis);
  const batchId = randomUUID();
  const jobs = Array.from({ length: 1250 }, () => randomUUID());
  // Each job's SUCCESS lands in a later slice than its PENDING.
  const events = [
    ...jobs.map((jobId) => statusEvent(jobId, 'PENDING', 0, { batchId })),
    ...jobs.map((jobId) => statusEvent(jobId, 'SUCCESS', 10, { batchId })),
  ];
  const outcomes = await view.applyBatch(events);
  assert.equal(outcomes.length, events.length);
  assert.ok(outcomes.every((outcome) => outcome.applied));
  assert.equal((await view.batchCounts(batchId))?.SUCCESS, jobs.length);
  assert.equal((await view.batchCounts(batchId))?.PENDING, 0);
});
