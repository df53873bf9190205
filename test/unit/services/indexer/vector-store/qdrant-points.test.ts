import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChunkRecord } from '../../../../../services/indexer/vector-store/port.ts';
import {
  chunkPoint,
  collectionMetadata,
  searchFilter,
  specOfCollection,
  storedChunkOfPayload,
  vectorSize,
} from '../../../../../services/indexer/vector-store/qdrant-points.ts';

const chunk: ChunkRecord = {
  id: '0b7c1d7e-51b8-5d8a-9a51-0c6f5e0a1b2c',
  documentId: 'doc',
  documentHash: 'v1',
  source: 'in/doc.xlsx',
  text: 'Ricavi 2024',
  vector: Float32Array.from([0.5, 0.25]),
  page: null,
  sheet: 'Q3',
  rowFrom: 2,
  rowTo: 40,
  heading: null,
  position: 3,
  contentHash: 'h',
  metadata: { lang: 'it' },
};

test('a chunk becomes a point and its payload comes back as the chunk without its vector', () => {
  const point = chunkPoint(chunk);
  assert.equal(point.id, chunk.id);
  assert.deepEqual(point.vector, [0.5, 0.25]);
  assert.deepEqual((point.payload as Record<string, unknown>)['metadataEntries'], ['["lang","it"]']);
  const { vector: _vector, ...stored } = chunk;
  assert.deepEqual(storedChunkOfPayload(point.id, point.payload!), stored);
});

test('the collection metadata records embedder and dimension; anything else records none', () => {
  const spec = { name: 'c', embedder: 'e', dimension: 384 };
  assert.deepEqual(specOfCollection('c', collectionMetadata(spec)), spec);
  assert.equal(specOfCollection('c', undefined), undefined);
  assert.equal(specOfCollection('c', { 'sedano.embedder': 'e' }), undefined);
});

test('vector size of a single unnamed vector only', () => {
  assert.equal(vectorSize({ size: 384, distance: 'Cosine' }), 384);
  assert.equal(vectorSize({ dense: { size: 384, distance: 'Cosine' } }), undefined);
  assert.equal(vectorSize(undefined), undefined);
});

test('search filters are keyword matches; metadata through its entries, never a key path', () => {
  assert.equal(searchFilter(undefined), undefined);
  assert.equal(searchFilter({ metadata: {} }), undefined);
  assert.deepEqual(searchFilter({ documentId: 'd', source: 's', metadata: { 'a.b': 'x' } }), {
    must: [
      { key: 'documentId', match: { value: 'd' } },
      { key: 'source', match: { value: 's' } },
      { key: 'metadataEntries', match: { value: '["a.b","x"]' } },
    ],
  });
});
