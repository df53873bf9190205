import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeBatch } from '../../../../services/lib/batch-state.ts';
import type { BatchCounts } from '../../../../services/lib/status-view.ts';

const counts = (fields: Partial<BatchCounts>): BatchCounts => ({
  PENDING: 0,
  STARTED: 0,
  PROGRESS: 0,
  RETRY: 0,
  SUCCESS: 0,
  FAILURE: 0,
  REVOKED: 0,
  ...fields,
});

test('a batch is PENDING until a job starts, RUNNING until all end, then SUCCESS or FAILURE', () => {
  assert.equal(summarizeBatch(counts({ PENDING: 3 })).state, 'PENDING');
  assert.equal(summarizeBatch(counts({ PENDING: 2, STARTED: 1 })).state, 'RUNNING');
  assert.equal(summarizeBatch(counts({ SUCCESS: 2, RETRY: 1 })).state, 'RUNNING');
  assert.equal(summarizeBatch(counts({ SUCCESS: 3 })).state, 'SUCCESS');
  assert.equal(summarizeBatch(counts({ SUCCESS: 2, REVOKED: 1 })).state, 'FAILURE');
  assert.equal(summarizeBatch(counts({ SUCCESS: 1, FAILURE: 2 })).state, 'FAILURE');
});

test('progress counts the jobs that ended', () => {
  const summary = summarizeBatch(counts({ SUCCESS: 1, FAILURE: 1, PROGRESS: 1 }));
  assert.deepEqual([summary.total, summary.finished, summary.percent], [3, 2, 66.67]);
  assert.equal(summarizeBatch(counts({})).percent, 0);
});
