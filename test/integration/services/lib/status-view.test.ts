/**
 * The status view against a real Redis, without Kafka: expiry of finished jobs and the lazy
 * cleanup of their index entries, batch counts and batch expiry, batch declarations (with their
 * follow-up's index) and the follow-up marker, pagination with ties, atomicity of concurrent
 * applies to one job, clear(), and results stored apart from their views.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import type { Redis } from 'ioredis';
import type { JobState } from '../../../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { followUpJobIdOf } from '../../../../services/lib/job-ids.ts';
import { createStatusView, type JobView, type StatusView } from '../../../../services/lib/status-view.ts';
import { redisKeys, type StatusViewKeys } from '../../../../topology/redis-keys.ts';
import { onCleanup, redisClient, uniqueName } from '../../../support/resources.ts';
import { batchDeclarationSample, jobStatusEventSample } from '../../../unit/schemas/samples.ts';

const TTL_SECONDS = 60;

function statusEvent(jobId: string, state: JobState, sequence: number, fields: Partial<JobStatusEvent> = {}) {
  const occurredAt = fields.occurredAt ?? Date.now();
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

/** A view in a namespace of its own (cleared when the test ends), and its keys; `maxExamined` as the view takes it. */
function isolatedView(t: TestContext, redis: Redis, maxExamined?: number): { view: StatusView; keys: StatusViewKeys } {
  const keys = redisKeys(uniqueName('test-view')).status;
  const view = createStatusView({
    redis,
    keys,
    resultTtlSeconds: TTL_SECONDS,
    ...(maxExamined === undefined ? {} : { maxExamined }),
  });
  onCleanup(t, () => view.clear());
  return { view, keys };
}

test('finished jobs expire after the result TTL and listings drop their index entries', async (t) => {
  const { redis } = redisClient(t);
  const { view, keys } = isolatedView(t, redis);
  const batchId = randomUUID();
  const [running, done, old] = [randomUUID(), randomUUID(), randomUUID()];
  const now = Date.now();
  await view.apply(statusEvent(running, 'PROGRESS', 3, { batchId }));
  await view.apply(statusEvent(done, 'SUCCESS', 5, { batchId }));
  // Finished longer ago than the TTL (e.g. met again by a rebuild): gone at once.
  await view.apply(statusEvent(old, 'SUCCESS', 5, { batchId, occurredAt: now - (TTL_SECONDS + 1) * 1000 }));

  assert.equal(await redis.pttl(keys.job(running)), -1, 'an active job does not expire');
  const ttl = await redis.pttl(keys.job(done));
  assert.ok(ttl > (TTL_SECONDS - 5) * 1000 && ttl <= TTL_SECONDS * 1000, `ttl ${ttl} ms`);
  assert.equal(await view.get(old), undefined);
  assert.notEqual(await redis.zscore(keys.state('SUCCESS'), old), null, 'still indexed before a read');

  const finished = await view.list({ state: 'SUCCESS', limit: 10 });
  assert.deepEqual(
    finished.jobs.map((job) => job.jobId),
    [done],
  );
  assert.equal(await redis.zscore(keys.state('SUCCESS'), old), null, 'dropped by the read');
  assert.deepEqual(
    (await view.list({ batchId, limit: 10 })).jobs.map((job) => job.jobId),
    [done, running],
  );

  // The batch counts every job it saw, and lives while one of them is active.
  assert.deepEqual(await view.batchCounts(batchId), {
    PENDING: 0,
    STARTED: 0,
    PROGRESS: 1,
    RETRY: 0,
    SUCCESS: 2,
    FAILURE: 0,
    REVOKED: 0,
  });
  assert.equal(await redis.pttl(keys.batch(batchId)), -1);
  await view.apply(statusEvent(running, 'FAILURE', 5));
  assert.equal((await view.batchCounts(batchId))?.FAILURE, 1);
  assert.equal((await view.batchCounts(batchId))?.PROGRESS, 0);
  const batchTtl = await redis.pttl(keys.batch(batchId));
  assert.ok(batchTtl > (TTL_SECONDS - 5) * 1000, `batch ttl ${batchTtl} ms once every job finished`);
  assert.ok((await redis.pttl(keys.batchJobs(batchId))) > 0);
  assert.equal(await view.batchCounts(randomUUID()), undefined);
});

test('a batch declaration and its follow-up live as long as their batch, and a batch view reads them', async (t) => {
  const { redis } = redisClient(t);
  const { view, keys } = isolatedView(t, redis);
  const batchId = randomUUID();
  const declarationKey = keys.batchDeclaration(batchId);
  const followUp = { ...batchDeclarationSample.followUp!, jobId: followUpJobIdOf(batchId) };
  const followUpKey = keys.followUpBatch(followUp.jobId);
  const declaration = { ...batchDeclarationSample, batchId, size: 2, followUp };
  // Before any job of the batch: kept for the result TTL, unless a job comes.
  await view.storeBatchDeclaration(declaration);
  const unknownTtl = await redis.pttl(declarationKey);
  assert.ok(unknownTtl > (TTL_SECONDS - 5) * 1000 && unknownTtl <= TTL_SECONDS * 1000, `ttl ${unknownTtl} ms`);
  assert.ok((await redis.pttl(followUpKey)) > (TTL_SECONDS - 5) * 1000);
  assert.deepEqual(await view.batchDeclaration(batchId), declaration);
  // The follow-up is known by its own id from the declaration on (the gateway shows it PENDING).
  assert.deepEqual(await view.declaredFollowUp(followUp.jobId), { batchId, followUp });
  assert.equal(await view.declaredFollowUp(randomUUID()), undefined);
  assert.deepEqual((await view.batch(batchId))?.summary.counts.PENDING, 2, 'declared, not seen yet: PENDING');

  const [first, second] = [randomUUID(), randomUUID()];
  await view.apply(statusEvent(first, 'STARTED', 2, { batchId }));
  assert.equal(await redis.pttl(declarationKey), -1, 'an active batch keeps its declaration');
  assert.equal(await redis.pttl(followUpKey), -1, 'and its follow-up');
  await view.apply(statusEvent(first, 'SUCCESS', 3, { batchId }));
  await view.apply(statusEvent(second, 'FAILURE', 3, { batchId }));
  const batchExpiry = await redis.pexpiretime(keys.batch(batchId));
  assert.ok(batchExpiry > 0);
  assert.equal(await redis.pexpiretime(declarationKey), batchExpiry, 'it expires with the batch');
  assert.equal(await redis.pexpiretime(followUpKey), batchExpiry, 'so does its follow-up');
  // Stored again once the batch ended (a redelivery, a rebuild): the batch's expiry again.
  await view.storeBatchDeclaration(declaration);
  assert.equal(await redis.pexpiretime(declarationKey), batchExpiry);
  assert.equal(await redis.pexpiretime(followUpKey), batchExpiry);

  const batch = await view.batch(batchId);
  assert.deepEqual(
    [batch?.size, batch?.followUpJobId, batch?.summary.state, batch?.summary.percent],
    [2, declaration.followUp?.jobId, 'FAILURE', 100],
  );
  assert.deepEqual(await view.batchCounts(batchId), batch?.counts, 'batchCounts unchanged');
  assert.equal(await view.batch(randomUUID()), undefined);
});

test('the follow-up marker is claimed once, released only by its holder, and expires with the batch once submitted', async (t) => {
  const { redis } = redisClient(t);
  const { view, keys } = isolatedView(t, redis);
  const batchId = randomUUID();
  const markerKey = keys.followUpMarker(batchId);
  await view.apply(statusEvent(randomUUID(), 'SUCCESS', 3, { batchId }));

  assert.equal(await view.claimFollowUp(batchId, 'a', 60_000), 'claimed');
  assert.equal(await view.claimFollowUp(batchId, 'b', 60_000), 'held');
  await view.releaseFollowUp(batchId, 'b');
  assert.equal(await view.claimFollowUp(batchId, 'b', 60_000), 'held', 'only the holder releases');
  await view.releaseFollowUp(batchId, 'a');
  assert.equal(await view.claimFollowUp(batchId, 'b', 60_000), 'claimed');
  const lease = await redis.pttl(markerKey);
  assert.ok(lease > 50_000 && lease <= 60_000, `a claim is a lease (${lease} ms)`);

  await view.confirmFollowUp(batchId);
  assert.equal(await view.claimFollowUp(batchId, 'c', 60_000), 'submitted');
  assert.equal(await redis.pexpiretime(markerKey), await redis.pexpiretime(keys.batch(batchId)));
  await assert.rejects(view.claimFollowUp(batchId, 'c', 0), RangeError);
});

test('pages follow each other without gaps or repeats, newest first, ties included', async (t) => {
  const { redis } = redisClient(t);
  const { view } = isolatedView(t, redis);
  const at = Date.now();
  const ids = Array.from({ length: 11 }, () => randomUUID());
  // Seven jobs share one update time, so pages must break ties by job id.
  for (const [i, jobId] of ids.entries()) {
    await view.apply(statusEvent(jobId, 'PENDING', 1, { occurredAt: i < 7 ? at : at + i }));
  }
  const expected = (await view.list({ limit: 100 })).jobs.map((job) => job.jobId);
  assert.equal(expected.length, 11);
  assert.deepEqual(expected.slice(0, 4), [ids[10], ids[9], ids[8], ids[7]]);
  assert.deepEqual(expected.slice(4), ids.slice(0, 7).sort().reverse());

  const paged: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await view.list({ state: 'PENDING', limit: 3, cursor });
    paged.push(...page.jobs.map((job) => job.jobId));
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor !== undefined && pages < 10);
  assert.deepEqual(paged, expected);
  await assert.rejects(view.list({ limit: 0 }), RangeError);
  await assert.rejects(view.list({ limit: 1, cursor: 'nonsense' }), { code: 'SEDANO_ERR_API_INVALID_CURSOR' });
});

test('concurrent applies to one job from two connections end at the highest sequence, counted once', async (t) => {
  const { redis } = redisClient(t);
  const other = redis.duplicate();
  onCleanup(t, () => other.disconnect());
  const { view, keys } = isolatedView(t, redis);
  const twin = createStatusView({ redis: other, keys, resultTtlSeconds: TTL_SECONDS });
  const jobId = randomUUID();
  const batchId = randomUUID();
  const states: JobState[] = ['PENDING', 'STARTED', 'PROGRESS', 'RETRY'];
  const events = Array.from({ length: 40 }, (_, i) =>
    statusEvent(jobId, states[i % states.length]!, i + 1, { batchId, occurredAt: Date.now() + i }),
  );
  const outcomes = await Promise.all(events.map((event, i) => (i % 2 === 0 ? view : twin).apply(event)));
  const final: JobView | undefined = await view.get(jobId);
  assert.equal(final?.sequence, 40);
  assert.equal(outcomes.filter((outcome) => outcome.created).length, 1, 'created once');
  const counts = await view.batchCounts(batchId);
  assert.deepEqual(
    Object.entries(counts ?? {}).filter(([, n]) => n !== 0),
    [[final.state, 1]],
  );
  for (const state of states) {
    const listed = (await view.list({ state, limit: 10 })).jobs.map((job) => job.jobId);
    assert.deepEqual(listed, state === final.state ? [jobId] : [], state);
  }
});

test('clear deletes every key of its namespace and nothing else', async (t) => {
  const { redis, prefix: foreign } = redisClient(t);
  const { view, keys } = isolatedView(t, redis);
  await redis.set(`${foreign}keep`, '1');
  for (let i = 0; i < 30; i += 1) {
    await view.apply(statusEvent(randomUUID(), 'SUCCESS', 1, { batchId: randomUUID() }));
  }
  // Per job its key, its batch's counts and index; then the shared indexes.
  const written = (await redis.keys(keys.pattern)).length;
  assert.equal(written, 30 * 3 + 3);
  assert.equal(await view.clear(), written);
  assert.deepEqual(await redis.keys(keys.pattern), []);
  assert.equal(await redis.get(`${foreign}keep`), '1');
});

test('getMany reads several jobs in one go, in the order asked, unknown ones undefined', async (t) => {
  const { redis } = redisClient(t);
  const { view } = isolatedView(t, redis);
  const [first, second] = [randomUUID(), randomUUID()];
  await view.apply(statusEvent(first, 'PENDING', 1));
  await view.apply(statusEvent(second, 'STARTED', 2));
  const found = await view.getMany([second, randomUUID(), first, second]);
  assert.deepEqual(
    found.map((job) => job?.state),
    ['STARTED', undefined, 'PENDING', 'STARTED'],
  );
  assert.deepEqual(found[2], await view.get(first));
  assert.deepEqual(await view.getMany([]), []);
});

test('a result is stored apart from its view and goes with it; listings read it only when asked', async (t) => {
  const { redis } = redisClient(t);
  const { view, keys } = isolatedView(t, redis);
  const [done, changed, older] = [randomUUID(), randomUUID(), randomUUID()];
  const result = (payload: string) => ({ 'sedano.NoopResult': { sleptMs: 10, spunMs: 0, payload } });
  const resultView = (payload: string) => ({ kind: 'sedano.NoopResult', sleptMs: 10, spunMs: 0, payload });
  await view.apply(statusEvent(done, 'SUCCESS', 5, { result: result('big') }));

  const stored = JSON.parse((await redis.get(keys.job(done)))!) as JobView;
  assert.equal(stored.result, null, "the view's own key holds no result");
  assert.deepEqual(JSON.parse((await redis.get(keys.result(done)))!), resultView('big'));
  assert.equal(await redis.pexpiretime(keys.result(done)), await redis.pexpiretime(keys.job(done)), 'same expiry');
  assert.deepEqual((await view.get(done))?.result, resultView('big'));
  assert.deepEqual((await view.getMany([done]))[0]?.result, resultView('big'));
  assert.deepEqual((await view.list({ limit: 10 })).jobs[0]?.result, resultView('big'));
  assert.equal((await view.list({ limit: 10, withResults: false })).jobs[0]?.result, null);

  // A later view without a result drops the stored one (no event does so today, but one may).
  await view.apply(statusEvent(changed, 'PROGRESS', 3, { result: result('early') }));
  assert.equal(await redis.pttl(keys.result(changed)), -1, 'an active job keeps its result, as its view');
  await view.apply(statusEvent(changed, 'FAILURE', 5));
  assert.equal(await redis.exists(keys.result(changed)), 0);
  assert.equal((await view.get(changed))?.result, null);

  // A view stored before results were apart, with its result inline: read as it is, left out
  // of a listing without results, and replaced by the split layout on its next write.
  const inline = {
    ...(await view.get(done))!,
    jobId: older,
    state: 'PROGRESS',
    finishedAt: null,
    result: resultView('inline'),
  };
  await redis.set(keys.job(older), JSON.stringify(inline));
  await redis.zadd(keys.all, inline.updatedAt + 1, older);
  assert.deepEqual((await view.get(older))?.result, resultView('inline'));
  const listed = (await view.list({ limit: 10, withResults: false })).jobs.find((job) => job.jobId === older);
  assert.equal(listed?.result, null);
  await view.apply(statusEvent(older, 'SUCCESS', 6, { result: result('new') }));
  assert.equal((JSON.parse((await redis.get(keys.job(older)))!) as JobView).result, null);
  assert.deepEqual((await view.get(older))?.result, resultView('new'));
});

test('a listing finds jobs by a text of their payload or error and by worker, looking at a bounded number of jobs a page', async (t) => {
  const { redis } = redisClient(t);
  // Five jobs looked at a page at most.
  const { view } = isolatedView(t, redis, 5);
  const base = Date.now();
  // Oldest first: j0 … j9; the listing reads them newest first.
  const ids: string[] = Array.from({ length: 10 }, () => randomUUID());
  const fields = (i: number): Partial<JobStatusEvent> => ({
    occurredAt: base + i,
    workerId: i % 2 === 0 ? 'worker-even' : 'worker-odd',
    payloadPreview: i === 1 || i === 8 ? `{"documents":[{"path":"reports/Annual-2024.pdf"}]}` : `{"n":${i}}`,
    ...(i === 3
      ? { error: { code: 'SEDANO_ERR_TEST', type: 'Error', message: 'upstream TIMEOUT after 30 s', retriable: false } }
      : {}),
    ...(i === 8 ? { result: { 'sedano.NoopResult': { sleptMs: 1, spunMs: 0, payload: 'found' } } } : {}),
  });
  await view.applyBatch(ids.map((id, i) => statusEvent(id, i === 3 ? 'FAILURE' : 'SUCCESS', 5, fields(i))));
  const listed = async (options: Omit<Parameters<StatusView['list']>[0], 'limit'>, limit = 10) => {
    const page = await view.list({ limit, ...options });
    return { ids: page.jobs.map((job) => ids.indexOf(job.jobId)), next: page.nextCursor };
  };

  // Five jobs looked at a page (j9 … j5): j8 found, and a cursor to go on; then j4 … j0: j3 by its error.
  const first = await listed({ search: 'annual-2024' });
  assert.deepEqual(first.ids, [8]);
  assert.notEqual(first.next, null, 'the bound was reached: more may match further');
  assert.deepEqual((await listed({ search: 'annual-2024', cursor: first.next! })).ids, [1]);
  const timeout = await listed({ search: 'timeout' });
  assert.deepEqual(timeout.ids, [], 'nothing among the newest five');
  assert.deepEqual(await listed({ search: 'timeout', cursor: timeout.next! }), { ids: [3], next: null });
  // Another filter no index answers, and the limit: a page read past it stops at it.
  const odd = await listed({ workerId: 'worker-odd' }, 2);
  assert.deepEqual(odd.ids, [9, 7]);
  assert.deepEqual((await listed({ workerId: 'worker-odd', cursor: odd.next! }, 2)).ids, [5, 3]);
  // Results are read for the matches only, and come with them.
  assert.deepEqual((await view.list({ limit: 10, search: 'Annual-2024' })).jobs[0]?.result, {
    kind: 'sedano.NoopResult',
    sleptMs: 1,
    spunMs: 0,
    payload: 'found',
  });
});

test("a listing by state and stage reads the smaller index: a stage's successes are found past another stage's burst", async (t) => {
  const { redis } = redisClient(t);
  // Five jobs looked at a page at most.
  const { view } = isolatedView(t, redis, 5);
  const base = Date.now();
  // Three analysis successes, then a burst of twelve indexing ones (newer), and one analysis job still running.
  const analysed = Array.from({ length: 3 }, () => randomUUID());
  const events = [
    ...analysed.map((id, i) => statusEvent(id, 'SUCCESS', 5, { stage: 'ANALYSIS', occurredAt: base + i })),
    ...Array.from({ length: 12 }, (_, i) =>
      statusEvent(randomUUID(), 'SUCCESS', 5, { stage: 'INDEXING', occurredAt: base + 10 + i }),
    ),
    statusEvent(randomUUID(), 'STARTED', 2, { stage: 'ANALYSIS', occurredAt: base + 30 }),
  ];
  await view.applyBatch(events);

  // The SUCCESS index (15 jobs) is larger than the ANALYSIS one (4): all three are on the first page.
  const page = await view.list({ state: 'SUCCESS', stage: 'ANALYSIS', limit: 2 });
  assert.deepEqual(
    page.jobs.map((job) => job.jobId),
    [analysed[2], analysed[1]],
  );
  const rest = await view.list({ state: 'SUCCESS', stage: 'ANALYSIS', limit: 2, cursor: page.nextCursor! });
  assert.deepEqual(rest, { jobs: [(await view.get(analysed[0]!))!], nextCursor: null });
  // The other way round, the state's index is the smaller: INDEXING (12) against FAILURE (none).
  assert.deepEqual(await view.list({ state: 'FAILURE', stage: 'INDEXING', limit: 5 }), { jobs: [], nextCursor: null });
});
