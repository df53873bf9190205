import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentVersionHash } from '../../../../services/indexer/document-version.ts';

const version = {
  contentHash: 'a'.repeat(64),
  source: 'reports/q3.pdf',
  metadata: { team: 'finance', lang: 'en' },
  splitter: { chunkSize: 1000, chunkOverlap: 200 },
};

test('the same version always hashes the same, whatever the order of its metadata', () => {
  const hash = documentVersionHash(version);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(documentVersionHash({ ...version, metadata: { lang: 'en', team: 'finance' } }), hash);
});

test('content, chunking, source and metadata each change the hash', () => {
  const hash = documentVersionHash(version);
  for (const changed of [
    { ...version, contentHash: 'b'.repeat(64) },
    { ...version, splitter: { chunkSize: 500, chunkOverlap: 100 } },
    { ...version, splitter: { chunkSize: 1000, chunkOverlap: 0 } },
    { ...version, source: 'reports/q4.pdf' },
    { ...version, metadata: { team: 'finance', lang: 'it' } },
    { ...version, metadata: {} },
  ]) {
    assert.notEqual(documentVersionHash(changed), hash, JSON.stringify(changed));
  }
});
