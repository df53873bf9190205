import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  emptyReaderGroups,
  expiredFiles,
  keysWithoutExpiry,
  orphanedMembers,
  orphanedPurgeMarks,
  staleEmbeddingKeys,
} from '../../../../services/maintenance/tasks/cache-cleanup-plan.ts';
import { outcomeOf } from '../../../../services/maintenance/maintenance-task.ts';
import { redisKeys } from '../../../../topology/redis-keys.ts';

const DAY = 86_400_000;

test('embedding entries go when older than the maximum age or without expiry; gone keys are left alone', () => {
  const entries = [
    { key: 'fresh', pttlMs: 7 * DAY - 1_000 },
    { key: 'three-days', pttlMs: 4 * DAY },
    { key: 'six-days', pttlMs: 1 * DAY },
    { key: 'forever', pttlMs: -1 },
    { key: 'gone', pttlMs: -2 },
  ];
  assert.deepEqual(staleEmbeddingKeys(entries, 7 * DAY, 5 * DAY), ['six-days', 'forever']);
  assert.deepEqual(staleEmbeddingKeys(entries, 7 * DAY, 7 * DAY), ['forever']);
  assert.deepEqual(keysWithoutExpiry(entries), ['forever']);
});

test('purge marks of topics that no longer exist go; malformed keys stay', () => {
  const { purgeMark, purgeMarkOf } = redisKeys('p');
  const keys = [
    purgeMark('jobs.a', 0),
    purgeMark('jobs.a', 1),
    purgeMark('jobs.gone', 3),
    purgeMark('with:colons', 2),
    'p:purge:not-a-mark',
    'p:purge::4',
    'q:purge:jobs.gone:3',
  ];
  assert.deepEqual(orphanedPurgeMarks(keys, purgeMarkOf, new Set(['jobs.a', 'with:colons'])), ['p:purge:jobs.gone:3']);
  assert.deepEqual(purgeMarkOf(purgeMark('with:colons', 2)), { topic: 'with:colons', partition: 2 });
});

test('index members go only where the job is known to be missing', () => {
  assert.deepEqual(orphanedMembers(['a', 'b', 'c'], [true, false, true]), ['b']);
});

test('only empty groups with a reader prefix go', () => {
  const groups = [
    { groupId: 'ns.ctl.dlq-1', state: 'Empty' },
    { groupId: 'ns.ctl.dlq-2', state: 'Stable' },
    { groupId: 'ns.stage.indexing', state: 'Empty' },
    { groupId: 'ns.status-projector.rebuild.x', state: 'Empty' },
  ];
  assert.deepEqual(emptyReaderGroups(groups, ['ns.ctl.', 'ns.status-projector.rebuild.']), [
    'ns.ctl.dlq-1',
    'ns.status-projector.rebuild.x',
  ]);
});

test('files past the retention go', () => {
  const files = [
    { name: 'old.pdf', sizeBytes: 10, modifiedAtMs: 0 },
    { name: 'new.pdf', sizeBytes: 10, modifiedAtMs: 29 * DAY },
  ];
  assert.deepEqual(
    expiredFiles(files, 30 * DAY, 7 * DAY).map((file) => file.name),
    ['old.pdf'],
  );
});

test('an outcome counts the affected kinds only', () => {
  assert.equal(outcomeOf('s', { a: 2, b: 3, bytes: 100 }, ['a', 'b']).itemsAffected, 5);
});
