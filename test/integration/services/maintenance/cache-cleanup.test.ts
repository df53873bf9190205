/**
 * The cache cleanup through the maintenance worker on the real stack: it removes exactly the
 * stale keys, groups and files it should and nothing else (counted before and after), reports
 * STARTED, PROGRESS and SUCCESS with its counts, and a slot delivered twice runs once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCacheCleanup } from '../../../../services/maintenance/tasks/cache-cleanup.ts';
import { createDirectoryFileStore } from '../../../../services/maintenance/tasks/file-store.ts';
import { maintenanceRun } from '../../../../services/scheduler/maintenance-run.ts';
import { createRunEmitter } from '../../../../services/scheduler/schedule-control.ts';
import { slotIdempotencyKey } from '../../../../services/scheduler/slot-identity.ts';
import { redisKeys } from '../../../../topology/redis-keys.ts';
import { createTestTopic, kafkaAdmin, kafkaClient, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { schedulerSandbox, startTestMaintenance } from '../scheduler/scheduler-harness.ts';

const DAY = 86_400_000;

test(
  'cache cleanup removes exactly the stale keys, groups and files, once per slot',
  { timeout: 90_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const { redis } = sandbox;
    const p = sandbox.keyPrefix;
    // The keys the cleanup looks at, laid out as a namespace's are, inside the test's own scratch space.
    const scratch = redisKeys(p.slice(0, -1));
    const admin = await kafkaAdmin(t);
    const liveTopic = (await createTestTopic(t, admin, { prefix: 'test-live' })).name;
    const now = Date.now();

    // Embedding cache (lifetime 7 days, maximum age 5): fresh, 6 days old, no expiry.
    const embedding = (name: string) => scratch.embedding('test-embedder', 8, name);
    await redis.set(embedding('fresh'), 'v', 'PX', 7 * DAY - 60_000);
    await redis.set(embedding('old'), 'v', 'PX', 1 * DAY);
    await redis.set(embedding('forever'), 'v');
    // Worker presence: an index entry alive and one of a worker gone two days ago; a record
    // with its expiry and one without.
    const { workers } = scratch;
    await redis.zadd(workers.index, now + 10_000, 'alive', now - 2 * DAY, 'gone');
    await redis.set(workers.worker('alive'), '{}', 'PX', 10_000);
    await redis.set(workers.worker('stuck'), '{}');
    // Purge marks: a live topic's (kept), a deleted topic's, one without expiry.
    const deletedTopic = uniqueName('deleted-topic');
    await redis.set(scratch.purgeMark(liveTopic, 0), '5', 'PX', DAY);
    await redis.set(scratch.purgeMark(deletedTopic, 0), '5', 'PX', DAY);
    await redis.set(scratch.purgeMark(liveTopic, 1), '5');
    // Status view: job A exists; B expired long ago; C is missing but too recent to judge.
    const view = scratch.status;
    await redis.set(view.job('A'), '{}', 'PX', DAY);
    await redis.zadd(view.all, now - 2 * DAY, 'A', now - 2 * DAY, 'B', now, 'C');
    await redis.zadd(view.state('SUCCESS'), now - 2 * DAY, 'B', now - 2 * DAY, 'A');
    // Reader groups: an empty one (committed an offset, then left) and one with a member.
    const readerPrefix = `${uniqueName('test')}.ctl.`;
    const emptyGroup = `${readerPrefix}left`;
    const activeGroup = `${readerPrefix}active`;
    const producer = await kafkaClient().producer();
    onCleanup(t, () => producer.close());
    await producer.send(liveTopic, [{ key: 'k', value: Buffer.from('v') }]);
    const leaving = await kafkaClient().consumer(emptyGroup);
    let read = false;
    await leaving.consume({ topics: [liveTopic], fromBeginning: true, handle: () => void (read = true) });
    await waitFor(() => read, { description: 'the reader read', timeoutMs: 30_000 });
    await leaving.close();
    const active = await kafkaClient().consumer(activeGroup);
    onCleanup(t, () => active.close());
    await active.consume({ topics: [liveTopic], fromBeginning: true, handle: () => undefined });
    await waitFor(async () => (await admin.describeGroup(activeGroup)).state === 'Stable', {
      description: 'the active group is stable',
      timeoutMs: 30_000,
    });
    onCleanup(t, () => admin.deleteGroups([emptyGroup, activeGroup]).catch(() => undefined));
    // Export files: one past the 7-day retention, one recent.
    const exports = await mkdtemp(join(tmpdir(), 'sedano-exports-'));
    onCleanup(t, () => rm(exports, { recursive: true, force: true }));
    await writeFile(join(exports, 'old.pdf'), 'x'.repeat(100));
    await writeFile(join(exports, 'new.pdf'), 'y');
    await utimes(join(exports, 'old.pdf'), new Date(now - 8 * DAY), new Date(now - 8 * DAY));

    const keysBefore = (await redis.keys(`${p}*`)).sort();
    const membersBefore = await redis.zcard(view.all);

    const worker = await startTestMaintenance(t, sandbox, {
      redis,
      progressIntervalMs: 0,
      tasks: {
        CACHE_CLEANUP: createCacheCleanup({
          redis,
          admin,
          keys: scratch,
          embeddings: { cacheTtlMs: 7 * DAY, maxAgeMs: 5 * DAY },
          workers: { goneAfterMs: DAY },
          purgeMarks: true,
          statusView: {},
          readerGroupPrefixes: [readerPrefix],
          exportFiles: { store: createDirectoryFileStore(exports), retentionMs: 7 * DAY },
        }),
      },
    });

    // The same slot emitted twice (as two racing schedulers or a replay would): one run.
    const emit = createRunEmitter(sandbox);
    const slot = Math.floor(now / 1000) * 1000;
    const run = maintenanceRun(
      { name: 'cache-cleanup', task: 'CACHE_CLEANUP' },
      slot,
      slotIdempotencyKey('cache-cleanup', slot),
      now,
      'test',
    );
    await emit(run);
    await emit(run);
    await waitFor(() => worker.counts.ran + worker.counts.skipped === 2, {
      description: 'both requests handled',
      timeoutMs: 30_000,
    });
    assert.deepEqual(worker.counts, { ran: 1, skipped: 1, failed: 0, revoked: 0, expired: 0 });

    const events = await waitFor(
      async () => {
        const mine = (await sandbox.statuses()).filter((event) => event.jobId === run.request.jobId);
        return mine.some((event) => event.state === 'SUCCESS') && mine;
      },
      { description: 'the run succeeded', timeoutMs: 30_000 },
    );
    assert.deepEqual([...new Set(events.map((event) => event.state))], ['PENDING', 'STARTED', 'PROGRESS', 'SUCCESS']);
    const success = events.find((event) => event.state === 'SUCCESS')?.result;
    assert.ok(success && 'sedano.MaintenanceResult' in success, 'a MaintenanceResult');
    const result = success['sedano.MaintenanceResult'];
    assert.deepEqual(result.counts, {
      embeddingCacheEntries: 2,
      workerIndexEntries: 1,
      workerRecords: 1,
      purgeMarks: 2,
      statusIndexEntries: 2,
      readerGroups: 1,
      exportFiles: 1,
      exportFileBytes: 100,
    });
    assert.equal(result.itemsAffected, 10);

    const keysAfter = (await redis.keys(`${p}*`)).sort();
    const removed = keysBefore.filter((key) => !keysAfter.includes(key));
    assert.deepEqual(
      removed.sort(),
      [
        embedding('forever'),
        embedding('old'),
        scratch.purgeMark(liveTopic, 1),
        scratch.purgeMark(deletedTopic, 0),
        workers.worker('stuck'),
      ].sort(),
    );
    assert.deepEqual(
      keysAfter.filter((key) => !keysBefore.includes(key)),
      [],
      'no new key among the ones the cleanup looks at',
    );
    assert.equal(
      await redis.get(sandbox.keys.maintenanceRun(run.request.idempotencyKey)),
      `done:${run.request.jobId}`,
      'the run ledger remembers the slot',
    );
    assert.deepEqual(await redis.zrange(view.all, 0, -1), ['A', 'C']);
    assert.equal(membersBefore - (await redis.zcard(view.all)), 1);
    assert.deepEqual(await redis.zrange(view.state('SUCCESS'), 0, -1), ['A']);
    assert.deepEqual(await redis.zrange(workers.index, 0, -1), ['alive']);
    assert.equal((await admin.describeGroup(emptyGroup)).state, 'Dead', 'the empty reader group was deleted');
    assert.equal((await admin.describeGroup(activeGroup)).state, 'Stable', 'the active one was kept');
    assert.deepEqual(
      (await createDirectoryFileStore(exports).list()).map((file) => file.name),
      ['new.pdf'],
    );
  },
);
