import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEmbedder, resolveEmbedderConfig } from '../../../../../services/indexer/embedding/create.ts';
import { SettingsError } from '../../../../../services/lib/settings.ts';

test('hashing is the default, 384 dimensions unless configured', async () => {
  assert.deepEqual(resolveEmbedderConfig({}), { kind: 'hashing', dimension: 384 });
  const embedder = await createEmbedder(resolveEmbedderConfig({ SEDANO_EMBEDDING_DIMENSION: '128' }));
  assert.equal(embedder.name, 'hashing-v1');
  assert.equal(embedder.dimension, 128);
  assert.equal((await embedder.embed(['ciao']))[0]?.length, 128);
});

test('http needs its URL, model and dimension; the key is optional', async () => {
  const config = resolveEmbedderConfig({
    SEDANO_EMBEDDER: 'http',
    SEDANO_EMBEDDINGS_URL: 'http://127.0.0.1:11434/v1',
    SEDANO_EMBEDDINGS_MODEL: 'nomic-embed-text',
    SEDANO_EMBEDDING_DIMENSION: '768',
  });
  assert.deepEqual(config, {
    kind: 'http',
    baseUrl: 'http://127.0.0.1:11434/v1',
    model: 'nomic-embed-text',
    dimension: 768,
  });
  const embedder = await createEmbedder(config);
  assert.equal(embedder.name, 'http-nomic-embed-text');
  assert.throws(
    () => resolveEmbedderConfig({ SEDANO_EMBEDDER: 'http' }),
    (error: Error) =>
      error instanceof SettingsError &&
      ['SEDANO_EMBEDDINGS_URL', 'SEDANO_EMBEDDINGS_MODEL', 'SEDANO_EMBEDDING_DIMENSION'].every((name) =>
        error.problems.some((problem) => problem.variable === name),
      ),
  );
});

test('transformers needs an absolute model directory; downloads are off unless allowed with a model id', () => {
  assert.deepEqual(
    resolveEmbedderConfig({ SEDANO_EMBEDDER: 'transformers', SEDANO_TRANSFORMERS_MODEL_DIR: '/models/minilm' }),
    {
      kind: 'transformers',
      modelDir: '/models/minilm',
      allowDownload: false,
    },
  );
  assert.throws(
    () => resolveEmbedderConfig({ SEDANO_EMBEDDER: 'transformers', SEDANO_TRANSFORMERS_MODEL_DIR: 'models' }),
    /SEDANO_TRANSFORMERS_MODEL_DIR: expected an absolute path/,
  );
  assert.throws(
    () =>
      resolveEmbedderConfig({
        SEDANO_EMBEDDER: 'transformers',
        SEDANO_TRANSFORMERS_MODEL_DIR: '/m',
        SEDANO_TRANSFORMERS_ALLOW_DOWNLOAD: 'true',
      }),
    /SEDANO_TRANSFORMERS_MODEL_ID: expected a model id/,
  );
});

test('unknown kinds and bad dimensions are reported together', () => {
  assert.throws(
    () => resolveEmbedderConfig({ SEDANO_EMBEDDER: 'openai', SEDANO_EMBEDDING_DIMENSION: 'big' }),
    (error: Error) =>
      /SEDANO_EMBEDDER: expected one of/.test(error.message) && /SEDANO_EMBEDDING_DIMENSION/.test(error.message),
  );
});
