import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSedanoError, type ErrorCode } from '../../../../../services/lib/errors.ts';
import {
  assertCollectionName,
  assertCollectionSpec,
  assertDocumentChunks,
  assertSameSpec,
  assertSearchOptions,
  assertVector,
  metadataEntries,
} from '../../../../../services/indexer/vector-store/chunk-checks.ts';
import { chunkId } from '../../../../../services/indexer/vector-store/chunk-id.ts';
import type { ChunkRecord } from '../../../../../services/indexer/vector-store/port.ts';

function throwsCode(check: () => void, code: ErrorCode, message?: RegExp): void {
  assert.throws(check, (error: unknown) => {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

function chunk(position: number, overrides: Partial<ChunkRecord> = {}): ChunkRecord {
  return {
    id: chunkId('doc', position, `h${position}`),
    documentId: 'doc',
    documentHash: 'v1',
    source: 'doc.pdf',
    text: `text ${position}`,
    vector: [1, 0, 0],
    page: null,
    sheet: null,
    rowFrom: null,
    rowTo: null,
    heading: null,
    position,
    contentHash: `h${position}`,
    metadata: {},
    ...overrides,
  };
}

test('collection names: letters, digits, _ and -, starting with a letter or digit', () => {
  assertCollectionName('contracts_2024-q3');
  for (const bad of ['', '-x', 'a b', 'a.b', 'a/b', "a'b", 'x'.repeat(129)]) {
    throwsCode(() => assertCollectionName(bad), 'SEDANO_ERR_VECTOR_INVALID_INPUT');
  }
});

test('a collection spec needs an embedder and a sane dimension', () => {
  assertCollectionSpec({ name: 'c', embedder: 'e', dimension: 384 });
  throwsCode(() => assertCollectionSpec({ name: 'c', embedder: ' ', dimension: 3 }), 'SEDANO_ERR_VECTOR_INVALID_INPUT');
  for (const dimension of [0, -1, 1.5, 70_000, Number.NaN]) {
    throwsCode(() => assertCollectionSpec({ name: 'c', embedder: 'e', dimension }), 'SEDANO_ERR_VECTOR_INVALID_INPUT');
  }
});

test('vectors: the collection dimension and finite values', () => {
  assertVector(Float32Array.from([1, 2, 3]), 3, 'c', 'search');
  throwsCode(
    () => assertVector([1, 2], 3, 'c', 'search'),
    'SEDANO_ERR_VECTOR_DIMENSION_MISMATCH',
    /dimension 2.*dimension 3/,
  );
  throwsCode(() => assertVector([1, Number.NaN, 3], 3, 'c', 'search'), 'SEDANO_ERR_VECTOR_INVALID_INPUT');
});

test('an existing collection must match dimension first, then embedder', () => {
  const wanted = { name: 'c', embedder: 'e1', dimension: 3 };
  assertSameSpec(wanted, { embedder: 'e1', dimension: 3 });
  throwsCode(() => assertSameSpec(wanted, { embedder: 'e2', dimension: 4 }), 'SEDANO_ERR_VECTOR_DIMENSION_MISMATCH');
  throwsCode(() => assertSameSpec(wanted, { embedder: 'e2', dimension: 3 }), 'SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH');
});

test("a document's chunks: its own, distinct UUIDs, one document hash, right dimension", () => {
  assertDocumentChunks('c', 3, 'doc', [chunk(0), chunk(1)]);
  assertDocumentChunks('c', 3, 'doc', []);
  const refused: [ChunkRecord[], RegExp][] = [
    [[chunk(0, { documentId: 'other' })], /belongs to document other/],
    [[chunk(0, { id: 'not-a-uuid' })], /not a lower-case UUID/],
    [[chunk(0), chunk(0)], /appears twice/],
    [[chunk(0), chunk(1, { documentHash: 'v2' })], /different document hashes/],
    [[chunk(0, { position: -1 })], /bad position/],
    [[chunk(0, { metadata: { n: 3 as unknown as string } })], /metadata n is not a string/],
  ];
  for (const [chunks, message] of refused) {
    throwsCode(() => assertDocumentChunks('c', 3, 'doc', chunks), 'SEDANO_ERR_VECTOR_INVALID_INPUT', message);
  }
  throwsCode(() => assertDocumentChunks('c', 4, 'doc', [chunk(0)]), 'SEDANO_ERR_VECTOR_DIMENSION_MISMATCH');
  throwsCode(() => assertDocumentChunks('c', 3, '', []), 'SEDANO_ERR_VECTOR_INVALID_INPUT');
});

test('search limit is a positive integer', () => {
  assertSearchOptions({ limit: 1 });
  for (const limit of [0, -3, 2.5]) {
    throwsCode(() => assertSearchOptions({ limit }), 'SEDANO_ERR_VECTOR_INVALID_INPUT');
  }
});

test('metadata entries keep keys and values apart whatever they contain', () => {
  assert.deepEqual(metadataEntries({ lang: 'it', 'a.b': 'x"y' }), ['["lang","it"]', '["a.b","x\\"y"]']);
  assert.notDeepEqual(metadataEntries({ 'a","b': 'c' }), metadataEntries({ a: 'b","c' }));
});
