/**
 * One conformance suite for every vector store adapter (services/indexer/vector-store/port.ts):
 * run against LanceDB always (a temporary data directory per test) and against Qdrant when
 * `QDRANT_URL` points at one; otherwise the Qdrant run is reported as skipped, with the reason.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { Worker } from 'node:worker_threads';
import { isSedanoError, type ErrorCode } from '../../../../services/lib/errors.ts';
import { resolveEndpoints } from '../../../../services/lib/endpoints.ts';
import { chunkId } from '../../../../services/indexer/vector-store/chunk-id.ts';
import type { VectorStoreOptions } from '../../../../services/indexer/vector-store/create.ts';
import { openLanceDbVectorStore } from '../../../../services/indexer/vector-store/lancedb.ts';
import type { ChunkRecord, CollectionSpec, VectorStore } from '../../../../services/indexer/vector-store/port.ts';
import { createQdrantVectorStore } from '../../../../services/indexer/vector-store/qdrant.ts';
import { onCleanup, uniqueName } from '../../../support/resources.ts';

const DIMENSION = 4;
const EMBEDDER = 'test:axis-embedder';

/** What an adapter's run needs: a fresh place to store, and a store opened on it (several may be). */
interface StoreUnderTest {
  /** Opens a store on the test's storage; closed when the test ends. */
  open(): Promise<VectorStore>;
  /** A collection name of the test's own, dropped when the test ends. */
  collection(): string;
  /** Options that make createVectorStore (create.ts) open the same storage, e.g. in a worker thread. */
  options: VectorStoreOptions;
  /** LanceDB only: reopens a snapshot location as a store, to check it restores. */
  openSnapshot?(location: string): Promise<VectorStore>;
}

type StoreFactory = (t: TestContext) => Promise<StoreUnderTest>;

function lanceDbFactory(): StoreFactory {
  return async (t) => {
    const root = await mkdtemp(path.join(tmpdir(), 'sedano-lancedb-'));
    onCleanup(t, () => rm(root, { recursive: true, force: true }));
    const opened = async (dataDir: string) => {
      const store = await openLanceDbVectorStore({ dataDir, snapshotDir: path.join(root, 'snapshots') });
      onCleanup(t, () => store.close());
      return store;
    };
    return {
      open: () => opened(path.join(root, 'data')),
      options: { dataDir: path.join(root, 'data') },
      collection: () => uniqueName('chunks'),
      openSnapshot: (location) => opened(location),
    };
  };
}

function qdrantFactory(url: string): StoreFactory {
  return async (t) => {
    const open = async () => {
      const store = createQdrantVectorStore({ url });
      onCleanup(t, () => store.close());
      return store;
    };
    const admin = await open();
    return {
      open,
      options: { qdrantUrl: url },
      collection: () => {
        const name = uniqueName('sedano-test-chunks');
        onCleanup(t, () => admin.dropCollection(name));
        return name;
      },
    };
  };
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isSedanoError(error), `expected a SedanoError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

/** A unit vector mostly along `axis`, tilted by `tilt` towards the next axis. */
function axis(index: number, tilt = 0): number[] {
  const vector = new Array<number>(DIMENSION).fill(0);
  vector[index % DIMENSION] = 1;
  vector[(index + 1) % DIMENSION] = tilt;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

interface DocumentShape {
  documentHash?: string;
  source?: string;
  metadata?: Record<string, string>;
}

/** Chunks of one document: text i has vector axis(i) unless `vectors` says otherwise. */
function chunksOf(documentId: string, texts: readonly string[], shape: DocumentShape = {}, vectors?: number[][]) {
  return texts.map((text, position): ChunkRecord => ({
    id: chunkId(documentId, position, `hash:${text}`),
    documentId,
    documentHash: shape.documentHash ?? 'v1',
    source: shape.source ?? `docs/${documentId}.pdf`,
    text,
    vector: Float32Array.from(vectors?.[position] ?? axis(position)),
    page: position + 1,
    sheet: position === 1 ? 'Q3' : null,
    rowFrom: position === 1 ? 2 : null,
    rowTo: position === 1 ? 40 : null,
    heading: position === 0 ? 'Introduzione' : null,
    position,
    contentHash: `hash:${text}`,
    metadata: shape.metadata ?? {},
  }));
}

async function idsOf(store: VectorStore, collection: string, documentId: string): Promise<string[]> {
  const hits = await store.search(collection, axis(0), { limit: 1000, filter: { documentId } });
  return hits.map((hit) => hit.chunk.id).sort();
}

async function countOf(store: VectorStore, collection: string): Promise<number> {
  return (await store.info(collection))!.chunkCount;
}

async function withCollection(t: TestContext, factory: StoreFactory) {
  const under = await factory(t);
  const store = await under.open();
  const spec: CollectionSpec = { name: under.collection(), embedder: EMBEDDER, dimension: DIMENSION };
  await store.ensureCollection(spec);
  return { under, store, spec, collection: spec.name };
}

function conformanceSuite(factory: StoreFactory): void {
  test('ensureCollection creates, re-checks, and records embedder and dimension durably', async (t) => {
    const under = await factory(t);
    const store = await under.open();
    const name = under.collection();
    assert.equal(await store.info(name), undefined);
    await rejectsWith(store.documentHash(name, 'doc'), 'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND');

    const created = await store.ensureCollection({ name, embedder: EMBEDDER, dimension: DIMENSION });
    assert.deepEqual(created, { name, embedder: EMBEDDER, dimension: DIMENSION, distance: 'cosine', chunkCount: 0 });
    assert.deepEqual(await store.ensureCollection({ name, embedder: EMBEDDER, dimension: DIMENSION }), created);

    // A store opened later (another worker thread, after a restart) sees the same record.
    const other = await under.open();
    assert.deepEqual(await other.info(name), created);
    await rejectsWith(
      other.ensureCollection({ name, embedder: EMBEDDER, dimension: DIMENSION + 1 }),
      'SEDANO_ERR_VECTOR_DIMENSION_MISMATCH',
    );
    await rejectsWith(
      other.ensureCollection({ name, embedder: 'test:another-embedder', dimension: DIMENSION }),
      'SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH',
    );
    await rejectsWith(
      store.ensureCollection({ name: 'no spaces or dots.allowed', embedder: EMBEDDER, dimension: DIMENSION }),
      'SEDANO_ERR_VECTOR_INVALID_INPUT',
    );
  });

  test('vectors of another dimension are refused on write and on search', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    const [chunk] = chunksOf('doc-a', ['one']);
    await rejectsWith(
      store.replaceDocument(collection, 'doc-a', [{ ...chunk!, vector: [1, 0, 0] }]),
      'SEDANO_ERR_VECTOR_DIMENSION_MISMATCH',
    );
    await rejectsWith(store.search(collection, [1, 0, 0, 0, 0], { limit: 3 }), 'SEDANO_ERR_VECTOR_DIMENSION_MISMATCH');
    await rejectsWith(
      store.replaceDocument(collection, 'doc-b', [chunk!]),
      'SEDANO_ERR_VECTOR_INVALID_INPUT', // a chunk of doc-a given as doc-b's
    );
    assert.equal(await countOf(store, collection), 0);
  });

  test('search finds the nearest chunk first, scores in order, fields intact', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    const chunks = chunksOf('report', ['alpha', 'beta', 'gamma'], { metadata: { lang: 'it', 'team.name': 'ops' } });
    assert.deepEqual(await store.replaceDocument(collection, 'report', chunks), {
      written: 3,
      deleted: 0,
      unchanged: 0,
    });

    const hits = await store.search(collection, axis(1, 0.2), { limit: 3 });
    assert.deepEqual(
      hits.map((hit) => hit.chunk.text),
      ['beta', 'gamma', 'alpha'],
    );
    assert.ok(hits[0]!.score > 0.95 && hits[0]!.score <= 1.0001, `top score ${hits[0]!.score}`);
    assert.ok(hits[0]!.score > hits[1]!.score && hits[1]!.score >= hits[2]!.score, 'scores descend');
    const { vector: _vector, ...beta } = chunks[1]!;
    assert.deepEqual(hits[0]!.chunk, beta);
    assert.equal((await store.search(collection, axis(0), { limit: 1 })).length, 1);
    await rejectsWith(store.search(collection, axis(0), { limit: 0 }), 'SEDANO_ERR_VECTOR_INVALID_INPUT');
  });

  test('payload filters: document, source, metadata; values cannot inject', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    const tricky = "it's a \\ back'slash";
    await store.replaceDocument(
      collection,
      'doc-it',
      chunksOf('doc-it', ['uno', 'due'], { source: 'in/it.pdf', metadata: { lang: 'it', 'a.b': tricky } }),
    );
    await store.replaceDocument(
      collection,
      'doc-en',
      chunksOf('doc-en', ['one', 'two'], { source: 'in/en.pdf', metadata: { lang: 'en', 'a.b': 'plain' } }),
    );
    const texts = async (filter: Parameters<VectorStore['search']>[2]['filter']) =>
      (await store.search(collection, axis(0), { limit: 10, filter })).map((hit) => hit.chunk.text).sort();

    assert.deepEqual(await texts({ documentId: 'doc-en' }), ['one', 'two']);
    assert.deepEqual(await texts({ source: 'in/it.pdf' }), ['due', 'uno']);
    assert.deepEqual(await texts({ metadata: { lang: 'en' } }), ['one', 'two']);
    assert.deepEqual(await texts({ metadata: { lang: 'it', 'a.b': tricky } }), ['due', 'uno']);
    assert.deepEqual(await texts({ metadata: { lang: 'it', 'a.b': 'plain' } }), []);
    assert.deepEqual(await texts({ documentId: 'doc-it', source: 'in/en.pdf' }), []);
    assert.deepEqual(await texts({ documentId: "x' OR '1'='1" }), []);
    assert.deepEqual(await texts({ source: "in/en.pdf' OR source <> '" }), []);
    assert.deepEqual(await texts({ metadata: { lang: "en\"]') OR true OR ('" } }), []);
    assert.deepEqual(await texts({}), ['due', 'one', 'two', 'uno']);
  });

  test('replacing a document with the same chunks writes nothing; redelivery never duplicates', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    const chunks = chunksOf('doc', ['a', 'b', 'c']);
    await store.replaceDocument(collection, 'doc', chunks);
    const ids = await idsOf(store, collection, 'doc');
    assert.deepEqual(ids, chunks.map((chunk) => chunk.id).sort());

    for (let delivery = 0; delivery < 3; delivery++) {
      // A redelivered job recomputes the same chunks, ids included.
      const again = chunksOf('doc', ['a', 'b', 'c']);
      assert.deepEqual(await store.replaceDocument(collection, 'doc', again), { written: 0, deleted: 0, unchanged: 3 });
    }
    assert.deepEqual(await idsOf(store, collection, 'doc'), ids);
    assert.equal(await countOf(store, collection), 3);
    assert.equal(await store.documentHash(collection, 'doc'), 'v1');
  });

  test('concurrent deliveries of the same job, from separate stores, never duplicate a chunk', async (t) => {
    const { under, collection } = await withCollection(t, factory);
    // Three workers (threads or processes) running the same redelivered job at once.
    const workers = await Promise.all([under.open(), under.open(), under.open()]);
    const texts = Array.from({ length: 20 }, (_, index) => `chunk ${index}`);
    await Promise.all(workers.map((worker) => worker.replaceDocument(collection, 'doc', chunksOf('doc', texts))));
    const [reader] = workers;
    assert.equal(await countOf(reader, collection), 20);
    assert.deepEqual(
      await idsOf(reader, collection, 'doc'),
      chunksOf('doc', texts)
        .map((chunk) => chunk.id)
        .sort(),
    );
  });

  test('a store created inside a worker thread writes what the parent then reads', async (t) => {
    const { under, store, collection } = await withCollection(t, factory);
    const chunks = chunksOf('threaded', ['a', 'b']);
    const worker = new Worker(new URL('./vector-store-worker.ts', import.meta.url), {
      workerData: { options: under.options, collection, documentId: 'threaded', chunks },
    });
    const [reply] = (await once(worker, 'message')) as [{ kind: string; result: unknown; chunkCount: number }];
    await once(worker, 'exit');
    assert.deepEqual(reply, { kind: store.kind, result: { written: 2, deleted: 0, unchanged: 0 }, chunkCount: 2 });
    assert.deepEqual(await idsOf(store, collection, 'threaded'), chunks.map((chunk) => chunk.id).sort());
  });

  test('a changed document replaces its old chunks', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    await store.replaceDocument(collection, 'doc', chunksOf('doc', ['a', 'b', 'c']));
    await store.replaceDocument(collection, 'other', chunksOf('other', ['x']));

    // v2: 'a' unchanged in text and place, 'b' edited, 'c' removed, 'd' added.
    const v2 = chunksOf('doc', ['a', 'b2', 'd'], { documentHash: 'v2' });
    assert.deepEqual(await store.replaceDocument(collection, 'doc', v2), { written: 3, deleted: 2, unchanged: 0 });
    assert.deepEqual(await idsOf(store, collection, 'doc'), v2.map((chunk) => chunk.id).sort());
    assert.equal(await countOf(store, collection), 4);
    assert.equal(await store.documentHash(collection, 'doc'), 'v2');
    const stored = await store.search(collection, axis(0), { limit: 10, filter: { documentId: 'doc' } });
    assert.deepEqual(new Set(stored.map((hit) => hit.chunk.documentHash)), new Set(['v2']));
    assert.deepEqual(await store.replaceDocument(collection, 'doc', v2), { written: 0, deleted: 0, unchanged: 3 });
    assert.deepEqual(await idsOf(store, collection, 'other'), [chunkId('other', 0, 'hash:x')]);
  });

  test('deleting a document removes all its chunks and no other', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    await store.replaceDocument(collection, 'doc', chunksOf('doc', ['a', 'b', 'c']));
    await store.replaceDocument(collection, 'keep', chunksOf('keep', ['k']));
    assert.equal(await store.deleteDocument(collection, 'doc'), 3);
    assert.deepEqual(await idsOf(store, collection, 'doc'), []);
    assert.equal(await store.documentHash(collection, 'doc'), null);
    assert.equal(await store.deleteDocument(collection, 'doc'), 0);
    assert.equal(await countOf(store, collection), 1);
    // Replacing with no chunks is deleting too.
    assert.deepEqual(await store.replaceDocument(collection, 'keep', []), { written: 0, deleted: 1, unchanged: 0 });
    assert.equal(await countOf(store, collection), 0);
  });

  test('a document of many chunks (more than one page of reads) is replaced exactly', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    const texts = Array.from({ length: 300 }, (_, index) => `chunk ${index}`);
    const vectors = texts.map((_, index) => axis(index, (index % 7) / 10));
    assert.equal((await store.replaceDocument(collection, 'big', chunksOf('big', texts, {}, vectors))).written, 300);
    assert.deepEqual(await store.replaceDocument(collection, 'big', chunksOf('big', texts, {}, vectors)), {
      written: 0,
      deleted: 0,
      unchanged: 300,
    });
    assert.equal(await countOf(store, collection), 300);
    const shorter = chunksOf('big', texts.slice(0, 10), {}, vectors);
    assert.deepEqual(await store.replaceDocument(collection, 'big', shorter), {
      written: 0,
      deleted: 290,
      unchanged: 10,
    });
    assert.equal(await countOf(store, collection), 10);
  });

  test('documentChunks reads a document back in order, a window at a time, with its positions', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    const texts = Array.from({ length: 25 }, (_, index) => `chunk ${index}`);
    // Written out of order: the read order is the chunks' positions, not the write order.
    await store.replaceDocument(collection, 'doc', chunksOf('doc', texts).reverse());
    await store.replaceDocument(collection, 'other', chunksOf('other', ['x']));
    const first = await store.documentChunks(collection, 'doc', { fromPosition: 0, limit: 10 });
    assert.deepEqual(
      first.map((chunk) => chunk.text),
      texts.slice(0, 10),
    );
    assert.deepEqual(
      { page: first[1]!.page, sheet: first[1]!.sheet, rowFrom: first[1]!.rowFrom, heading: first[0]!.heading },
      { page: 2, sheet: 'Q3', rowFrom: 2, heading: 'Introduzione' },
    );
    const last = await store.documentChunks(collection, 'doc', { fromPosition: 20, limit: 10 });
    assert.deepEqual(
      last.map((chunk) => chunk.position),
      [20, 21, 22, 23, 24],
    );
    assert.deepEqual(await store.documentChunks(collection, 'missing', { fromPosition: 0, limit: 10 }), []);
    await rejectsWith(
      store.documentChunks(collection, 'doc', { fromPosition: -1, limit: 10 }),
      'SEDANO_ERR_VECTOR_INVALID_INPUT',
    );
    await rejectsWith(
      store.documentChunks(uniqueName('absent'), 'doc', { fromPosition: 0, limit: 10 }),
      'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND',
    );
  });

  test('optimize runs and keeps every chunk findable', async (t) => {
    const { store, collection } = await withCollection(t, factory);
    await store.optimize(collection); // on an empty collection too
    for (let round = 0; round < 3; round++) {
      await store.replaceDocument(
        collection,
        'doc',
        chunksOf('doc', ['a', `b${round}`, 'c'], { documentHash: `v${round}` }),
      );
    }
    await store.replaceDocument(collection, 'other', chunksOf('other', ['x', 'y']));
    await store.optimize(collection);
    await store.optimize(collection);
    assert.equal(await countOf(store, collection), 5);
    const top = await store.search(collection, axis(1), { limit: 1, filter: { documentId: 'doc' } });
    assert.equal(top[0]!.chunk.text, 'b2');
    await rejectsWith(store.optimize(uniqueName('missing')), 'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND');
  });

  test('a snapshot is written and non-empty (LanceDB: restorable as a store)', async (t) => {
    const { under, store, collection } = await withCollection(t, factory);
    await store.replaceDocument(collection, 'doc', chunksOf('doc', ['a', 'b', 'c']));
    const target = await mkdtemp(path.join(tmpdir(), 'sedano-snapshot-'));
    onCleanup(t, () => rm(target, { recursive: true, force: true }));

    const snapshot = await store.snapshot(collection, target);
    assert.equal(snapshot.chunkCount, 3);
    assert.ok(snapshot.location.startsWith(target), snapshot.location);
    assert.ok((snapshot.bytes ?? 0) > 0, `snapshot bytes ${snapshot.bytes}`);
    await stat(snapshot.location);

    // Writes after the snapshot do not reach it.
    await store.replaceDocument(collection, 'late', chunksOf('late', ['z']));
    if (under.openSnapshot) {
      const restored = await under.openSnapshot(snapshot.location);
      assert.deepEqual(await restored.info(collection), {
        name: collection,
        embedder: EMBEDDER,
        dimension: DIMENSION,
        distance: 'cosine',
        chunkCount: 3,
      });
      const top = await restored.search(collection, axis(2), { limit: 1 });
      assert.equal(top[0]!.chunk.text, 'c');
    }
  });
}

describe('vector store conformance: LanceDB (embedded)', () => {
  conformanceSuite(lanceDbFactory());
});

describe('vector store conformance: Qdrant', () => {
  const qdrantUrl = resolveEndpoints(process.env).qdrantUrl;
  if (qdrantUrl === undefined) {
    test('Qdrant conformance', (t) => {
      t.skip(
        'QDRANT_URL is not set: no Qdrant on this machine (no Docker engine; Qdrant is not in any package registry)',
      );
    });
    return;
  }
  conformanceSuite(qdrantFactory(qdrantUrl));
});
