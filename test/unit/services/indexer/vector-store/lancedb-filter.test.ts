import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  documentChunksWhere,
  searchWhere,
  sqlString,
} from '../../../../../services/indexer/vector-store/lancedb-filter.ts';

test('string literals double their quotes and leave backslashes alone', () => {
  assert.equal(sqlString("it's"), "'it''s'");
  assert.equal(sqlString("x' OR '1'='1"), "'x'' OR ''1''=''1'");
  assert.equal(sqlString('a\\'), "'a\\'");
});

test('a search filter becomes one AND of exact matches, or nothing', () => {
  assert.equal(searchWhere(undefined), undefined);
  assert.equal(searchWhere({}), undefined);
  assert.equal(
    searchWhere({ documentId: 'd', source: "s'", metadata: { lang: 'it' } }),
    `document_id = 'd' AND source = 's''' AND array_has(metadata_entries, '["lang","it"]')`,
  );
});

test('stale chunks of a document by id', () => {
  assert.equal(documentChunksWhere('d', ['a', 'b']), "document_id = 'd' AND id IN ('a', 'b')");
});
