import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkId } from '../../../../../services/indexer/vector-store/chunk-id.ts';

test('a chunk id is a version 5 UUID, the same for the same chunk', () => {
  const id = chunkId('doc-1', 0, 'sha256:abc');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(chunkId('doc-1', 0, 'sha256:abc'), id);
});

test('a chunk id changes with the document, the position or the content', () => {
  const ids = new Set([
    chunkId('doc-1', 0, 'h'),
    chunkId('doc-2', 0, 'h'),
    chunkId('doc-1', 1, 'h'),
    chunkId('doc-1', 0, 'h2'),
    // Parts that would run together if simply concatenated stay apart.
    chunkId('doc-11', 0, 'h'),
    chunkId('doc-1', 10, 'h'),
  ]);
  assert.equal(ids.size, 6);
});
