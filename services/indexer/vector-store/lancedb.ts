/**
 * The embedded vector store: LanceDB (`@lancedb/lancedb`) in a local data directory, one table
 * per collection (layout in lancedb-schema.ts). The default wherever `QDRANT_URL` is unset.
 *
 * - Replacing a document is one `mergeInsert` commit (insert new ids, rewrite changed ones,
 *   delete stale ones), so a reader never sees half a document; an unchanged document commits
 *   nothing at all.
 * - `optimize` compacts small fragments, prunes old versions (LanceDB's default: older than 7
 *   days) and keeps a scalar index on `document_id` (deletes and filters by document).
 *   Search stays exhaustive (no ANN index): exact, and fast enough for the collection sizes
 *   an embedded store serves.
 * - `snapshot` copies the table directory into `<snapshotDir>/<collection>-v<version>-<time>/`,
 *   which is itself a LanceDB database: `connect(location).openTable(collection)` restores it.
 *   A copy (not a LanceDB tag) because a backup must survive the loss of the data directory.
 *   The version being copied is tagged while the copy runs so a concurrent optimize cannot
 *   prune its files; manifests are copied before data files, so every copied manifest finds
 *   its files. The copy is opened and counted before it is reported.
 */
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { connect, type Connection, type Table } from '@lancedb/lancedb';
import { isSedanoError, SedanoError } from '../../lib/errors.ts';
import {
  assertCollectionName,
  assertCollectionSpec,
  assertDocumentChunks,
  assertChunksWindow,
  assertSameSpec,
  assertSearchOptions,
  assertVector,
} from './chunk-checks.ts';
import { documentChunksWhere, documentWhere, documentWindowWhere, searchWhere } from './lancedb-filter.ts';
import {
  chunkRow,
  collectionSchema,
  hasPrimaryKey,
  specOfSchema,
  STORED_COLUMNS,
  storedChunkOfRow,
  type ChunkRow,
} from './lancedb-schema.ts';
import type {
  ChunkRecord,
  CollectionInfo,
  CollectionSpec,
  DocumentChunksWindow,
  ReplaceResult,
  SearchHit,
  SearchOptions,
  SnapshotResult,
  StoredChunk,
  VectorStore,
} from './port.ts';
import { isNoop, planReplacement, type StoredChunkState } from './replacement-plan.ts';

export interface LanceDbVectorStoreOptions {
  /** Directory of the LanceDB database (created if missing). */
  dataDir: string;
  /** Where snapshots go when `snapshot()` is given no directory. Default: `lancedb-snapshots` beside `dataDir`. */
  snapshotDir?: string;
}

interface OpenCollection {
  table: Table;
  spec: CollectionSpec;
}

/** Runs a LanceDB call; a failure that is not already a SedanoError becomes a retriable store error. */
async function guarded<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isSedanoError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SedanoError('SEDANO_ERR_VECTOR_STORE_UNAVAILABLE', `LanceDB ${what} failed: ${reason}`, {
      retriable: true,
      cause: error,
    });
  }
}

async function directoryBytes(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

class LanceDbVectorStore implements VectorStore {
  readonly kind = 'lancedb';
  readonly #db: Connection;
  readonly #dataDir: string;
  readonly #snapshotDir: string;
  readonly #collections = new Map<string, OpenCollection>();
  #closed = false;

  constructor(db: Connection, options: LanceDbVectorStoreOptions) {
    this.#db = db;
    this.#dataDir = options.dataDir;
    this.#snapshotDir = options.snapshotDir ?? path.join(path.dirname(options.dataDir), 'lancedb-snapshots');
  }

  async ensureCollection(spec: CollectionSpec): Promise<CollectionInfo> {
    assertCollectionSpec(spec);
    const table = (await this.#exists(spec.name)) ? await this.#openTable(spec.name) : await this.#create(spec);
    const existing = await this.#specOf(spec.name, table);
    assertSameSpec(spec, existing);
    await this.#ensurePrimaryKey(table);
    this.#collections.set(spec.name, { table, spec: existing });
    return this.#infoOf({ table, spec: existing });
  }

  async documentHash(collection: string, documentId: string): Promise<string | null> {
    const { table } = await this.#open(collection);
    const rows = await guarded('reading a document hash', () =>
      table.query().where(documentWhere(documentId)).select(['document_hash']).limit(1).toArray(),
    );
    const row = rows[0] as ChunkRow | undefined;
    return row === undefined ? null : String(row['document_hash']);
  }

  async documentChunks(collection: string, documentId: string, window: DocumentChunksWindow): Promise<StoredChunk[]> {
    const { table } = await this.#open(collection);
    assertChunksWindow(window);
    const rows = await guarded('reading a document', () =>
      table
        .query()
        .where(documentWindowWhere(documentId, window.fromPosition, window.limit))
        .select([...STORED_COLUMNS])
        .toArray(),
    );
    return (rows as ChunkRow[]).map(storedChunkOfRow).sort((a, b) => a.position - b.position);
  }

  async replaceDocument(
    collection: string,
    documentId: string,
    chunks: readonly ChunkRecord[],
  ): Promise<ReplaceResult> {
    const { table, spec } = await this.#open(collection);
    assertDocumentChunks(collection, spec.dimension, documentId, chunks);
    const storedRows = await guarded('reading stored chunks', () =>
      table.query().where(documentWhere(documentId)).select(['id', 'document_hash']).toArray(),
    );
    const stored: StoredChunkState[] = (storedRows as ChunkRow[]).map((row) => ({
      id: String(row['id']),
      documentHash: String(row['document_hash']),
    }));
    const plan = planReplacement(stored, chunks);
    const result: ReplaceResult = { written: plan.write.length, deleted: plan.stale.length, unchanged: plan.unchanged };
    if (isNoop(plan)) return result;
    if (plan.write.length === 0) {
      await guarded('deleting stale chunks', () => table.delete(documentChunksWhere(documentId, plan.stale)));
      return result;
    }
    let merge = table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll();
    if (plan.stale.length > 0) {
      merge = merge.whenNotMatchedBySourceDelete({ where: documentChunksWhere(documentId, plan.stale) });
    }
    await guarded('writing chunks', () => merge.execute(plan.write.map(chunkRow)));
    return result;
  }

  async deleteDocument(collection: string, documentId: string): Promise<number> {
    const { table } = await this.#open(collection);
    const deleted = await guarded('deleting a document', () => table.delete(documentWhere(documentId)));
    return deleted.numDeletedRows;
  }

  async search(collection: string, vector: Float32Array | number[], options: SearchOptions): Promise<SearchHit[]> {
    const { table, spec } = await this.#open(collection);
    assertVector(vector, spec.dimension, collection, 'search');
    assertSearchOptions(options);
    const where = searchWhere(options.filter);
    const rows = await guarded('searching', () => {
      let query = table
        .vectorSearch(Float32Array.from(vector))
        .distanceType('cosine')
        // _distance named, or LanceDB warns that it will stop adding it by itself.
        .select([...STORED_COLUMNS, '_distance'])
        .limit(options.limit);
      if (where !== undefined) query = query.where(where);
      return query.toArray();
    });
    return (rows as ChunkRow[]).map((row) => ({
      // LanceDB's cosine distance is 1 - cosine similarity.
      score: 1 - Number(row['_distance']),
      chunk: storedChunkOfRow(row),
    }));
  }

  async info(collection: string): Promise<CollectionInfo | undefined> {
    assertCollectionName(collection);
    if (!(await this.#exists(collection))) {
      this.#collections.delete(collection);
      return undefined;
    }
    return this.#infoOf(await this.#open(collection));
  }

  async optimize(collection: string): Promise<void> {
    const { table } = await this.#open(collection);
    await guarded('optimizing', async () => {
      await table.optimize();
      const indices = await table.listIndices();
      const indexed = indices.some((index) => index.columns.includes('document_id'));
      // A BTree index on an empty table has nothing to index; the next optimize creates it.
      if (!indexed && (await table.countRows()) > 0) await table.createIndex('document_id');
    });
  }

  async snapshot(collection: string, targetDir?: string): Promise<SnapshotResult> {
    const { table } = await this.#open(collection);
    const source = path.join(this.#dataDir, `${collection}.lance`);
    const version = await guarded('reading the version', () => table.version());
    const stamp = new Date().toISOString().replaceAll(/[:.]/g, '-');
    const location = path.resolve(targetDir ?? this.#snapshotDir, `${collection}-v${version}-${stamp}`);
    const target = path.join(location, `${collection}.lance`);
    const tag = `sedano-snapshot-${stamp}`;
    const tags = await guarded('tagging the version', async () => {
      const tableTags = await table.tags();
      await tableTags.create(tag, version);
      return tableTags;
    });
    try {
      await mkdir(path.dirname(location), { recursive: true });
      await mkdir(location); // fails if a snapshot of this name exists: never mix two copies
      await cp(path.join(source, '_versions'), path.join(target, '_versions'), { recursive: true });
      await cp(source, target, { recursive: true, filter: (from) => from !== path.join(source, '_versions') });
    } finally {
      await guarded('untagging the version', () => tags.delete(tag));
    }
    const chunkCount = await guarded('opening the snapshot', async () => {
      const copy = await connect(location);
      try {
        return await (await copy.openTable(collection)).countRows();
      } finally {
        copy.close();
      }
    });
    return { location, bytes: await directoryBytes(location), chunkCount };
  }

  async dropCollection(collection: string): Promise<boolean> {
    assertCollectionName(collection);
    this.#collections.get(collection)?.table.close();
    this.#collections.delete(collection);
    if (!(await this.#exists(collection))) return false;
    await guarded(`dropping ${collection}`, () => this.#db.dropTable(collection));
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const { table } of this.#collections.values()) table.close();
    this.#collections.clear();
    this.#db.close();
  }

  async #exists(collection: string): Promise<boolean> {
    const names = await guarded('listing tables', () => this.#db.tableNames());
    return names.includes(collection);
  }

  async #create(spec: CollectionSpec): Promise<Table> {
    try {
      return await this.#db.createEmptyTable(spec.name, collectionSchema(spec), { mode: 'create', existOk: true });
    } catch (error) {
      // Another worker created it first with another schema: open theirs, the caller checks it.
      if (await this.#exists(spec.name)) return this.#openTable(spec.name);
      return guarded(`creating ${spec.name}`, () => Promise.reject(error as Error));
    }
  }

  /**
   * Declares `id` the table's primary key (after creating it, and again should a crash have
   * come between the two): with it, LanceDB detects two concurrent merge-inserts of the same
   * new ids and retries one, so concurrent deliveries of a job cannot insert a chunk twice.
   */
  async #ensurePrimaryKey(table: Table): Promise<void> {
    if (hasPrimaryKey(await guarded('reading the schema', () => table.schema()))) return;
    try {
      await table.setUnenforcedPrimaryKey('id');
    } catch (error) {
      // Another worker set it meanwhile; anything else is a real failure.
      if (!hasPrimaryKey(await table.schema()))
        await guarded('declaring the primary key', () => Promise.reject(error as Error));
    }
  }

  #openTable(collection: string): Promise<Table> {
    return guarded(`opening ${collection}`, () => this.#db.openTable(collection));
  }

  async #open(collection: string): Promise<OpenCollection> {
    assertCollectionName(collection);
    const cached = this.#collections.get(collection);
    if (cached) return cached;
    if (!(await this.#exists(collection))) {
      throw new SedanoError(
        'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND',
        `no collection ${collection} in ${this.#dataDir}`,
      );
    }
    const table = await this.#openTable(collection);
    const opened = { table, spec: await this.#specOf(collection, table) };
    this.#collections.set(collection, opened);
    return opened;
  }

  async #specOf(collection: string, table: Table): Promise<CollectionSpec> {
    const schema = await guarded('reading the schema', () => table.schema());
    const spec = specOfSchema(collection, schema.metadata);
    if (!spec) {
      throw new SedanoError(
        'SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH',
        `table ${collection} in ${this.#dataDir} records no embedder or dimension: it was not created by sedano`,
      );
    }
    return spec;
  }

  async #infoOf({ table, spec }: OpenCollection): Promise<CollectionInfo> {
    const chunkCount = await guarded('counting chunks', () => table.countRows());
    return { ...spec, distance: 'cosine', chunkCount };
  }
}

/** Opens (creating if needed) the LanceDB database in `options.dataDir`. */
export async function openLanceDbVectorStore(options: LanceDbVectorStoreOptions): Promise<VectorStore> {
  await mkdir(options.dataDir, { recursive: true });
  // Strong read consistency: every read sees what other threads and processes committed (a
  // document hash, the stored chunks a replacement plans from); LanceDB's default never looks.
  const db = await guarded(`opening ${options.dataDir}`, () =>
    connect(options.dataDir, { readConsistencyInterval: 0 }),
  );
  return new LanceDbVectorStore(db, options);
}
