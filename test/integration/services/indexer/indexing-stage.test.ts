/**
 * The indexing stage end to end on the real stack: jobs on a sandbox's Kafka topics, the
 * stage runtime with its worker threads, the real Redis (embedding cache, ledger), LanceDB in
 * a temp dir, and search through the gateway's real route.
 *
 * - A mixed folder (every sample format, a corrupt PDF, an oversize file, a path outside the
 *   root) indexes the good files, fails the bad ones with their codes, and a search finds each
 *   sample's known sentence in its own document, at its page, sheet or heading.
 * - Re-running the same job writes nothing (every document unchanged).
 * - A job of many documents whose result lists would outgrow a status event succeeds, its lists
 *   cut to their size budget and the rest counted.
 * - An indexer process SIGKILLed mid-job, then restarted, ends the job in SUCCESS with the
 *   same chunks as a clean run and no duplicate ids.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { IndexingResult } from '../../../../schemas/indexing-result.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { resolveDocumentLimits } from '../../../../services/indexer/documents/limits.ts';
import { createHashingEmbedder } from '../../../../services/indexer/embedding/hashing.ts';
import { indexDocuments } from '../../../../services/indexer/index-documents.ts';
import { createIndexerStage } from '../../../../services/indexer/indexer-stage.ts';
import { collectionSearchSettings, openCollectionSearch } from '../../../../services/indexer/search.ts';
import { openLanceDbVectorStore } from '../../../../services/indexer/vector-store/lancedb.ts';
import type { VectorStore } from '../../../../services/indexer/vector-store/port.ts';
import { resolveSettings } from '../../../../services/lib/settings.ts';
import { onCleanup, redisClient, uniqueName } from '../../../support/resources.ts';
import { startStageWorkerProcess } from '../../../support/stage-worker-process.ts';
import { waitFor } from '../../../support/wait.ts';
import { startGateway } from '../gateway/gateway-harness.ts';
import { stageSandbox } from '../lib/runtime/stage-sandbox.ts';
import {
  indexerThreadSettingsFor,
  mixedFolder,
  pdfCorpus,
  reference,
  storedChunkIds,
  submitIndexing,
  tempDir,
} from './indexing-fixtures.ts';

const INDEXER_WORKER = new URL('indexer-worker.ts', import.meta.url).pathname;

function resultOf(events: JobStatusEvent[]): IndexingResult {
  const success = events.find((event) => event.state === 'SUCCESS');
  const result = success?.result;
  assert.ok(result && 'sedano.IndexingResult' in result, 'the job succeeded with an IndexingResult');
  return result['sedano.IndexingResult'];
}

async function openStore(t: TestContext, dataDir: string, collection: string): Promise<VectorStore> {
  const store = await openLanceDbVectorStore({ dataDir });
  onCleanup(t, async () => {
    await store.dropCollection(collection);
    await store.close();
  });
  return store;
}

test('a mixed folder is indexed, searched, and re-indexed without writing', { timeout: 240_000 }, async (t) => {
  const folder = mixedFolder(t);
  const dataDir = tempDir(t, 'sedano-index-data-');
  const collection = uniqueName('test-indexing');
  const { redis, keys } = redisClient(t);
  // The cache in the test's namespace, so redisClient's cleanup removes the cached vectors too.
  const settings = indexerThreadSettingsFor({ root: folder.root, dataDir, namespace: keys.namespace });
  const store = await openStore(t, dataDir, collection);
  // Search as the gateway's main.ts opens it: the indexer's embedder and store settings.
  const collections = await openCollectionSearch(
    resolveSettings(collectionSearchSettings, { SEDANO_DATA_DIR: dataDir, SEDANO_EMBEDDER: 'hashing' }),
  );
  onCleanup(t, () => collections.close());
  const gateway = await startGateway(t, { collections });
  const sandbox = gateway.sandbox;
  await sandbox.start(createIndexerStage(settings, { concurrency: 2, progressIntervalMs: 50 }), uniqueName('indexer'), {
    redis,
  });

  const first = await submitIndexing(sandbox, { collection, documents: folder.documents });
  const events = await sandbox.eventsUntil(first.header.jobId, 'SUCCESS', 120_000);
  const result = resultOf(events);

  await t.test('good files are indexed, bad ones fail with their codes, the job succeeds', () => {
    assert.deepEqual(result.indexed.map((document) => document.source).sort(), folder.good.map((s) => s.file).sort());
    assert.ok(result.indexed.every((document) => document.chunks > 0 && /^[0-9a-f]{64}$/.test(document.contentHash)));
    assert.deepEqual(
      Object.fromEntries(result.failed.map((failure) => [failure.source, failure.code])),
      folder.bad,
      `failed: ${JSON.stringify(result.failed)}`,
    );
    assert.ok(result.failed.every((failure) => failure.reason.length > 0));
    assert.equal(result.unchanged.length, 0);
    assert.equal(
      result.chunksWritten,
      result.indexed.reduce((sum, document) => sum + document.chunks, 0),
    );
  });

  await t.test('progress moves by document, with IndexingProgress details', () => {
    const progress = events.flatMap((event) => (event.state === 'PROGRESS' && event.progress ? [event.progress] : []));
    assert.ok(progress.length >= 2, `${progress.length} PROGRESS events`);
    const percents = progress.map((entry) => entry.percent);
    assert.deepEqual(
      percents,
      [...percents].sort((a, b) => a - b),
      'the percent never goes back',
    );
    assert.ok(percents.some((percent) => percent > 0 && percent < 100));
    const details = progress.at(-1)?.details;
    assert.ok(details && 'sedano.IndexingProgress' in details);
    assert.equal(details['sedano.IndexingProgress'].documentsTotal, folder.documents.length);
  });

  await t.test('the job reads through GET /v1/jobs/:id', async () => {
    const view = await waitFor(
      async () => {
        const response = await gateway.call('GET', `/v1/jobs/${first.header.jobId}`, { token: 'reader' });
        const body = (await response.json()) as { state: string; result: { collection?: string } | null };
        return body.state === 'SUCCESS' && body;
      },
      { description: 'the job in the view' },
    );
    assert.equal(view.result?.collection, collection);
  });

  await t.test("a search finds each format's known sentence among the best hits, at its place", async () => {
    let first = 0;
    for (const sample of folder.good) {
      const response = await gateway.call('POST', `/v1/collections/${collection}/search`, {
        token: 'reader',
        json: { query: sample.sentence, limit: 3 },
      });
      assert.equal(response.status, 200, sample.file);
      const { hits } = (await response.json()) as {
        hits: { source: string; text: string; page: number | null; sheet: string | null; heading: string | null }[];
      };
      // The hashing embedder is lexical: a spreadsheet's long rows may rank a prose chunk first,
      // so the sentence's chunk must be among the best three, not necessarily the first.
      const best = hits.find((hit) => hit.source === sample.file && hit.text.includes(sample.sentence));
      assert.ok(best, `"${sample.sentence}" in the best 3 hits: ${JSON.stringify(hits.map((hit) => hit.source))}`);
      if (sample.page !== undefined) assert.equal(best.page, sample.page, sample.file);
      if (sample.sheet !== undefined) assert.equal(best.sheet, sample.sheet, sample.file);
      if (sample.heading !== undefined) assert.equal(best.heading, sample.heading, sample.file);
      if (hits[0] === best) first += 1;
    }
    t.diagnostic(`the sentence's chunk was the best hit for ${first} of ${folder.good.length} samples`);
  });

  await t.test('search refuses an unknown collection and one of another embedder', async () => {
    const missing = await gateway.call('POST', `/v1/collections/${collection}-nope/search`, {
      token: 'reader',
      json: { query: 'x' },
    });
    assert.equal(missing.status, 404);
    assert.equal(
      ((await missing.json()) as { error: { code: string } }).error.code,
      'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND',
    );
    const other = uniqueName('test-indexing-other');
    await store.ensureCollection({ name: other, embedder: 'another-embedder', dimension: 384 });
    onCleanup(t, () => store.dropCollection(other));
    const mismatch = await gateway.call('POST', `/v1/collections/${other}/search`, {
      token: 'reader',
      json: { query: 'x' },
    });
    assert.equal(mismatch.status, 409);
    assert.equal(
      ((await mismatch.json()) as { error: { code: string } }).error.code,
      'SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH',
    );
  });

  await t.test('re-running the same job writes no chunk', async () => {
    const before = (await store.info(collection))?.chunkCount;
    const again = await submitIndexing(sandbox, { collection, documents: folder.documents });
    const rerun = resultOf(await sandbox.eventsUntil(again.header.jobId, 'SUCCESS', 120_000));
    assert.equal(rerun.chunksWritten, 0);
    assert.equal(rerun.indexed.length, 0);
    assert.deepEqual(rerun.unchanged.map((document) => document.source).sort(), folder.good.map((s) => s.file).sort());
    assert.equal(rerun.failed.length, Object.keys(folder.bad).length);
    assert.equal((await store.info(collection))?.chunkCount, before);
  });
});

test('a job whose per-document lists outgrow a status event succeeds, its lists cut and the rest counted', async (t) => {
  const folder = mixedFolder(t);
  const dataDir = tempDir(t, 'sedano-index-data-');
  const collection = uniqueName('test-indexing-budget');
  const { redis, keys } = redisClient(t);
  const settings = indexerThreadSettingsFor({ root: folder.root, dataDir, namespace: keys.namespace });
  await openStore(t, dataDir, collection);
  const sandbox = await stageSandbox(t);
  await sandbox.start(createIndexerStage(settings, { concurrency: 1 }), uniqueName('indexer'), { redis });

  // 1,800 references of about 450 characters: a request of some 820 KB the job topic takes,
  // whose failed[] alone (each source, its code and a reason quoting it) would make a SUCCESS of
  // some 1.3 MB, more than the status topic's 1 MiB: the job failed after its work before.
  const good = folder.documents[0];
  assert.ok(good);
  const elsewhere = Array.from({ length: 1_800 }, (_, i) =>
    reference(`s3://sedano-archive/${'quarterly/'.repeat(42)}report-${String(i).padStart(4, '0')}.pdf`),
  );
  const job = await submitIndexing(sandbox, { collection, documents: [good, ...elsewhere] });
  const events = await sandbox.eventsUntil(job.header.jobId, 'SUCCESS', 120_000);
  assert.ok(!events.some((event) => event.state === 'FAILURE'), 'no attempt failed');
  const result = resultOf(events);

  assert.equal(result.failed.length + result.failedOmitted, elsewhere.length);
  assert.ok(result.failedOmitted > 0, `${result.failed.length} listed, ${result.failedOmitted} counted`);
  assert.deepEqual(
    result.failed.map((failure) => failure.source),
    elsewhere.slice(0, result.failed.length).map((document) => document.uri),
    "the first failures listed, in the request's order",
  );
  assert.ok(result.failed.every((failure) => failure.code === 'SEDANO_ERR_DOCUMENT_UNSUPPORTED'));
  assert.equal(result.indexed.length + result.indexedOmitted, 1, 'the good document, listed or counted');
  assert.ok(result.chunksWritten > 0);
  t.diagnostic(
    `failed: ${result.failed.length} listed, ${result.failedOmitted} counted; ` +
      `indexed: ${result.indexed.length} listed, ${result.indexedOmitted} counted`,
  );
});

test(
  'an indexer SIGKILLed mid-job and restarted ends with the same chunks, none duplicated',
  { timeout: 300_000 },
  async (t) => {
    const documents = await pdfCorpus(t, 24, 30);
    const root = join(documents[0]?.uri ?? '', '..');
    const dataDir = tempDir(t, 'sedano-index-data-');
    const collection = uniqueName('test-indexing-kill');
    const cleanCollection = uniqueName('test-indexing-clean');
    const { keys } = redisClient(t);
    // Everything in the test's namespace, so redisClient's cleanup removes the cached vectors too.
    const settings = indexerThreadSettingsFor({ root, dataDir, namespace: keys.namespace });
    const store = await openStore(t, dataDir, collection);
    onCleanup(t, () => store.dropCollection(cleanCollection));
    const sandbox = await stageSandbox(t);

    const startWorker = () =>
      startStageWorkerProcess(t, INDEXER_WORKER, {
        topics: sandbox.topics,
        workerId: uniqueName('indexer'),
        redisNamespace: keys.namespace,
        extra: settings,
      });

    const first = await startWorker();
    const job = await submitIndexing(sandbox, { collection, documents });
    // Killed once some chunks are written and documents remain.
    const progress = await waitFor(
      async () => {
        const events = await sandbox.events(job.header.jobId);
        const details = events.flatMap((event) => {
          const found = event.progress?.details;
          return found && 'sedano.IndexingProgress' in found ? [found['sedano.IndexingProgress']] : [];
        });
        return details.find((entry) => entry.chunksWritten > 0);
      },
      { description: 'a PROGRESS event with chunks written', timeoutMs: 120_000, intervalMs: 50 },
    );
    first.kill('SIGKILL');
    assert.ok(
      progress.documentsDone < documents.length,
      `killed after ${progress.documentsDone} of ${documents.length}`,
    );
    const killedAt = await store.info(collection);
    await startWorker();
    const events = await sandbox.eventsUntil(job.header.jobId, 'SUCCESS', 240_000);
    assert.ok(!events.some((event) => event.state === 'FAILURE'), 'no attempt failed');
    const result = resultOf(events);
    assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
    assert.equal(result.indexed.length + result.unchanged.length, documents.length);
    t.diagnostic(
      `killed with ${killedAt?.chunkCount ?? 0} chunks stored after ${progress.documentsDone} document(s); ` +
        `the redelivered job found ${result.unchanged.length} unchanged and indexed ${result.indexed.length}`,
    );

    // A clean run of the same documents, in-process, into another collection of the same store.
    const clean = await indexDocuments(
      { collection: cleanCollection, documents, chunkSize: null, chunkOverlap: null },
      { store, embedder: createHashingEmbedder(), documentRoots: [root], limits: resolveDocumentLimits() },
      { signal: new AbortController().signal, progress: () => {} },
    );
    assert.equal(clean.failed.length, 0);
    const killedIds = await storedChunkIds(dataDir, collection);
    const cleanIds = await storedChunkIds(dataDir, cleanCollection);
    assert.equal(new Set(killedIds).size, killedIds.length, 'no duplicate chunk ids');
    assert.equal(killedIds.length, cleanIds.length, 'as many chunks as a clean run');
    assert.deepEqual(new Set(killedIds), new Set(cleanIds), 'the same chunks as a clean run');
  },
);
