import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChunkRecord } from '../../../../../services/indexer/vector-store/port.ts';
import { isNoop, planReplacement } from '../../../../../services/indexer/vector-store/replacement-plan.ts';

const wanted = (id: string, documentHash = 'v1') => ({ id, documentHash }) as ChunkRecord;

test('nothing stored: every chunk is written', () => {
  const plan = planReplacement([], [wanted('a'), wanted('b')]);
  assert.deepEqual(
    plan.write.map((chunk) => chunk.id),
    ['a', 'b'],
  );
  assert.deepEqual(plan.stale, []);
  assert.equal(plan.unchanged, 0);
});

test('the same chunks under the same document hash: nothing to do', () => {
  const plan = planReplacement([{ id: 'a', documentHash: 'v1' }], [wanted('a')]);
  assert.deepEqual(plan, { write: [], stale: [], unchanged: 1 });
  assert.ok(isNoop(plan));
});

test('a changed document: new ids written, same ids rewritten under the new hash, the rest stale', () => {
  const plan = planReplacement(
    [
      { id: 'a', documentHash: 'v1' },
      { id: 'b', documentHash: 'v1' },
    ],
    [wanted('a', 'v2'), wanted('c', 'v2')],
  );
  assert.deepEqual(
    plan.write.map((chunk) => chunk.id),
    ['a', 'c'],
  );
  assert.deepEqual(plan.stale, ['b']);
  assert.equal(plan.unchanged, 0);
  assert.ok(!isNoop(plan));
});

test('no chunks wanted: everything stored is stale', () => {
  assert.deepEqual(planReplacement([{ id: 'a', documentHash: 'v1' }], []), { write: [], stale: ['a'], unchanged: 0 });
});
