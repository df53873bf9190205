// The pure part of index-documents.ts: the id a missing document was indexed under.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingDocumentId } from '../../../../services/indexer/index-documents.ts';

const roots = ['/srv/docs', '/mnt/shared'];

test('a missing document keeps the id it was indexed under', () => {
  assert.equal(missingDocumentId({ documentId: 'q3-report', uri: 'gone.pdf' }, roots), 'q3-report');
  assert.equal(missingDocumentId({ documentId: null, uri: 'reports/./q3.pdf' }, roots), 'reports/q3.pdf');
  assert.equal(missingDocumentId({ documentId: null, uri: '/mnt/shared/a/b.md' }, roots), 'a/b.md');
  assert.equal(missingDocumentId({ documentId: null, uri: 'file:///srv/docs/x%20y.txt' }, roots), 'x y.txt');
});

test('no id for references that never named a document inside a root', () => {
  assert.equal(missingDocumentId({ documentId: null, uri: '../outside.pdf' }, roots), undefined);
  assert.equal(missingDocumentId({ documentId: null, uri: '/etc/passwd' }, roots), undefined);
  assert.equal(missingDocumentId({ documentId: null, uri: 'https://example.com/a.pdf' }, roots), undefined);
  assert.equal(missingDocumentId({ documentId: null, uri: '/srv/docs' }, roots), undefined);
});
