/**
 * indexDocuments with injected collaborators on the real Redis and a real LanceDB in a temp
 * dir (no Kafka): a changed document replaces its chunks, a deleted one loses them, identical
 * texts are embedded once through the cache, and an abort stops the job between batches.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { resolveDocumentLimits } from '../../../../services/indexer/documents/limits.ts';
import { withEmbeddingCache } from '../../../../services/indexer/embedding/cache.ts';
import { createHashingEmbedder } from '../../../../services/indexer/embedding/hashing.ts';
import {
  type IndexDocumentsDependencies,
  indexDocuments,
  type IndexingRequest,
} from '../../../../services/indexer/index-documents.ts';
import { openLanceDbVectorStore } from '../../../../services/indexer/vector-store/lancedb.ts';
import { onCleanup, redisClient, uniqueName } from '../../../support/resources.ts';
import { reference, tempDir } from './indexing-fixtures.ts';

async function setUp(t: TestContext) {
  const root = tempDir(t, 'sedano-index-docs-');
  const store = await openLanceDbVectorStore({ dataDir: tempDir(t, 'sedano-index-data-') });
  onCleanup(t, () => store.close());
  const { redis, keys } = redisClient(t);
  const embedder = withEmbeddingCache(createHashingEmbedder(), redis, { keys });
  const dependencies: IndexDocumentsDependencies = {
    store,
    embedder,
    documentRoots: [root],
    limits: resolveDocumentLimits(),
    embedBatchSize: 4,
  };
  const request: IndexingRequest = {
    collection: uniqueName('test-index-docs'),
    documents: [reference('a.md'), reference('b.txt')],
    chunkSize: 200,
    chunkOverlap: 20,
  };
  const run = (changes: Partial<IndexingRequest> = {}, signal = new AbortController().signal) =>
    indexDocuments({ ...request, ...changes }, dependencies, { signal, progress: () => {} });
  return { root, store, embedder, request, run };
}

const paragraphs = (word: string, count: number) =>
  Array.from({ length: count }, (_, i) => `Paragraph ${i} about ${word}: ${'lorem ipsum '.repeat(12)}`).join('\n\n');

test('a changed document replaces its chunks; a deleted one loses them; the cache embeds a text once', async (t) => {
  const { root, store, embedder, request, run } = await setUp(t);
  writeFileSync(join(root, 'a.md'), `# A\n\n${paragraphs('apples', 6)}`);
  writeFileSync(join(root, 'b.txt'), paragraphs('boats', 3));

  const first = await run();
  assert.deepEqual(first.failed, []);
  const total = first.indexed.reduce((sum, document) => sum + document.chunks, 0);
  assert.equal((await store.info(request.collection))?.chunkCount, total);

  writeFileSync(join(root, 'a.md'), `# A\n\n${paragraphs('apples', 2)}`);
  const misses = embedder.stats.misses;
  const second = await run();
  assert.deepEqual(
    second.indexed.map((document) => document.documentId),
    ['a.md'],
  );
  assert.deepEqual(
    second.unchanged.map((document) => document.documentId),
    ['b.txt'],
  );
  const shorter = second.indexed[0]?.chunks ?? 0;
  assert.ok(shorter < (first.indexed[0]?.chunks ?? 0));
  assert.equal(embedder.stats.misses, misses, 'the shorter document reused cached vectors only');
  const bChunks = first.indexed.find((document) => document.documentId === 'b.txt')?.chunks ?? 0;
  assert.equal((await store.info(request.collection))?.chunkCount, shorter + bChunks, 'stale chunks are gone');

  rmSync(join(root, 'b.txt'));
  const third = await run();
  assert.equal(third.failed[0]?.code, 'SEDANO_ERR_DOCUMENT_NOT_FOUND');
  assert.match(third.failed[0]?.reason ?? '', new RegExp(`its ${bChunks} chunk\\(s\\) were removed`));
  assert.equal((await store.info(request.collection))?.chunkCount, shorter);

  const rechunked = await run({ documents: [reference('a.md')], chunkSize: 120 });
  assert.equal(rechunked.indexed.length, 1, 'a new chunk size re-indexes an unchanged file');

  // A reason is an error message, shown as one is: the reference named without its credential.
  const withToken = await run({ documents: [reference('gone.md?token=s3cret')] });
  assert.equal(withToken.failed[0]?.source, 'gone.md?token=s3cret', 'the source as the request gave it');
  assert.match(withToken.failed[0]?.reason ?? '', /gone\.md\?token=\[REDACTED\]/);
  assert.doesNotMatch(withToken.failed[0]?.reason ?? '', /s3cret/);
  await store.dropCollection(request.collection);
});

test('an abort stops the job between batches and writes nothing of the current document', async (t) => {
  const { root, store, request } = await setUp(t);
  writeFileSync(join(root, 'a.md'), paragraphs('anchors', 40));
  const controller = new AbortController();
  const reason = new Error('revoked by the test');
  let batches = 0;
  const aborted = indexDocuments(
    { ...request, documents: [reference('a.md')] },
    {
      store,
      embedder: {
        name: 'hashing-v1',
        dimension: 384,
        embed: async (texts) => {
          batches += 1;
          if (batches === 2) controller.abort(reason);
          return createHashingEmbedder().embed(texts);
        },
      },
      documentRoots: [root],
      limits: resolveDocumentLimits(),
      embedBatchSize: 4,
    },
    { signal: controller.signal, progress: () => {} },
  );
  await assert.rejects(aborted, (error) => error === reason);
  assert.equal(batches, 2, 'no batch after the abort');
  assert.equal((await store.info(request.collection))?.chunkCount, 0);
  await store.dropCollection(request.collection);
});
