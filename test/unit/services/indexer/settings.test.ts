import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMBEDDING_CACHE_PREFIX } from '../../../../services/indexer/embedding/cache.ts';
import { DEFAULT_DOCUMENT_ROOT, resolveIndexerSettings } from '../../../../services/indexer/indexer-settings.ts';

test('defaults: the sample folder, the hashing embedder, the embedded store, the standard cache prefix', () => {
  const settings = resolveIndexerSettings({});
  assert.deepEqual(settings.documentRoots, [DEFAULT_DOCUMENT_ROOT]);
  assert.match(DEFAULT_DOCUMENT_ROOT, /\/samples\/documents$/);
  assert.equal(settings.embedder.kind, 'hashing');
  assert.equal(settings.store.qdrantUrl, undefined);
  assert.equal(settings.embeddingCachePrefix, EMBEDDING_CACHE_PREFIX);
});

test('roots are colon-separated absolute directories; the cache prefix and store come from their variables', () => {
  const settings = resolveIndexerSettings({
    SEDANO_DOCUMENT_ROOTS: '/srv/docs:/mnt/shared/',
    SEDANO_EMBEDDING_CACHE_PREFIX: 'test:emb:',
    SEDANO_DATA_DIR: '/var/lib/sedano',
  });
  assert.deepEqual(settings.documentRoots, ['/srv/docs', '/mnt/shared/']);
  assert.equal(settings.embeddingCachePrefix, 'test:emb:');
  assert.equal(settings.store.dataDir, '/var/lib/sedano');
});

test('every problem is reported at once', () => {
  assert.throws(
    () => resolveIndexerSettings({ SEDANO_DOCUMENT_ROOTS: 'relative/docs:/ok', SEDANO_EMBEDDER: 'magic' }),
    (error: Error) =>
      error instanceof RangeError &&
      error.message.includes('"relative/docs" is not an absolute path') &&
      error.message.includes('SEDANO_EMBEDDER'),
  );
});
