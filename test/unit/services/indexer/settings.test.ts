import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_DOCUMENT_ROOT,
  indexerSettings,
  indexerThreadSettings,
} from '../../../../services/indexer/settings.ts';
import { resolveSettings, SettingsError } from '../../../../services/lib/settings.ts';
import { redisKeys } from '../../../../topology/redis-keys.ts';

const threadSettingsOf = (env: Record<string, string>) => indexerThreadSettings(resolveSettings(indexerSettings, env));

test('defaults: the sample folder, hashing embedder, embedded store, default namespace for cache keys', () => {
  const settings = threadSettingsOf({});
  assert.deepEqual(settings.documentRoots, [DEFAULT_DOCUMENT_ROOT]);
  assert.match(DEFAULT_DOCUMENT_ROOT, /\/samples\/documents$/);
  assert.equal(settings.embedder.kind, 'hashing');
  assert.equal(settings.store.qdrantUrl, undefined);
  assert.equal(settings.namespace, 'sedano');
  assert.match(redisKeys(settings.namespace).embedding('hashing-v1', 384, 'ab'), /^sedano:embeddings:/);
  assert.equal(resolveSettings(indexerSettings, {}).concurrency, 4);
});

test('roots are colon-separated absolute directories; the namespace and store come from their variables', () => {
  const settings = threadSettingsOf({
    SEDANO_DOCUMENT_ROOTS: '/srv/docs:/mnt/shared/',
    SEDANO_NAMESPACE: 'staging',
    SEDANO_DATA_DIR: '/var/lib/sedano',
    REDIS_URL: 'redis://cache:6379',
  });
  assert.deepEqual(settings.documentRoots, ['/srv/docs', '/mnt/shared/']);
  assert.equal(settings.namespace, 'staging');
  assert.equal(settings.store.dataDir, '/var/lib/sedano');
  assert.equal(settings.redisUrl, 'redis://cache:6379');
  // Threads get these as handler data: they must survive a structured clone unchanged.
  assert.deepEqual(structuredClone(settings), settings);
});

test('every problem is reported at once', () => {
  assert.throws(
    () => threadSettingsOf({ SEDANO_DOCUMENT_ROOTS: 'relative/docs:/ok', SEDANO_EMBEDDER: 'magic' }),
    (error: SettingsError) => {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual(error.problems.map((problem) => problem.variable).sort(), [
        'SEDANO_DOCUMENT_ROOTS',
        'SEDANO_EMBEDDER',
      ]);
      assert.match(error.message, /SEDANO_DOCUMENT_ROOTS: expected one or more absolute paths/);
      return true;
    },
  );
  assert.throws(() => threadSettingsOf({ SEDANO_EMBEDDER: 'http' }), /SEDANO_EMBEDDINGS_URL/);
});
