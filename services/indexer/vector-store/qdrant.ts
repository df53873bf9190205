/**
 * The Qdrant vector store (`@qdrant/js-client-rest`), used whenever `QDRANT_URL` is set
 * (docker-compose runs `qdrant/qdrant:v1.16.0`). Layout in qdrant-points.ts.
 *
 * - A collection has one unnamed cosine vector of the embedder's dimension, keyword payload
 *   indexes on documentId, source and metadataEntries, and its embedder and dimension in the
 *   collection metadata (a Qdrant 1.16 feature: no reserved point to skew counts and
 *   searches, no alias naming convention to parse).
 * - Replacing a document reads the stored ids and hashes of its chunks (scroll, no vectors),
 *   upserts what is new or changed, then deletes what is stale, every step with `wait`. Qdrant
 *   has no multi-operation transaction: a crash between the steps leaves the new chunks and
 *   some stale ones, and the redelivered job finishes the deletion (ids are deterministic).
 * - `optimize` sends the configured optimizer settings (default: none) as a collection update:
 *   any update makes Qdrant run its optimizers (vacuum of deleted points, segment merges,
 *   indexing), the documented way to trigger them.
 * - `snapshot` asks Qdrant for a collection snapshot. Without a target directory it stays on
 *   the server and its URL is the location; with one, the file is downloaded there and then
 *   removed from the server, so the backup directory is the one place backups are kept.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
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
import {
  chunkPoint,
  collectionMetadata,
  documentFilter,
  documentWindowFilter,
  INDEXED_FIELDS,
  searchFilter,
  specOfCollection,
  storedChunkOfPayload,
  vectorSize,
} from './qdrant-points.ts';
import { isNoop, planReplacement, type StoredChunkState } from './replacement-plan.ts';

export interface QdrantVectorStoreOptions {
  /** Qdrant's REST URL (`QDRANT_URL`), e.g. `http://qdrant:6333`. */
  url: string;
  /** Qdrant's API key, if the server requires one. */
  apiKey?: string;
  /** Optimizer settings sent at creation and by `optimize()`. Default: Qdrant's own. */
  optimizers?: Schemas['OptimizersConfigDiff'];
  /** Points per upsert request. Default 256. */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 256;

/**
 * The HTTP status of a failed Qdrant call: the client's fetcher throws an ApiError with
 * `status` for an error response, and the client itself an error naming the status in its
 * message for an unexpected success status.
 */
function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return status;
  const match = error instanceof Error ? /Unexpected Response: (\d{3})/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

/** Qdrant's own explanation in an error response (`{ status: { error } }`), else the error's message. */
function qdrantReason(error: unknown): string {
  const data = (error as { data?: { status?: { error?: unknown } } } | null)?.data;
  if (typeof data?.status?.error === 'string') return data.status.error;
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}

class QdrantVectorStore implements VectorStore {
  readonly kind = 'qdrant';
  readonly #client: QdrantClient;
  readonly #options: QdrantVectorStoreOptions;
  readonly #specs = new Map<string, CollectionSpec>();
  #closed = false;

  constructor(options: QdrantVectorStoreOptions) {
    this.#options = options;
    // No compatibility probe: it is a background request whose warning goes to the console.
    this.#client = new QdrantClient({
      url: options.url,
      checkCompatibility: false,
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    });
  }

  async ensureCollection(spec: CollectionSpec): Promise<CollectionInfo> {
    assertCollectionSpec(spec);
    const { exists } = await this.#call('checking a collection', spec.name, () =>
      this.#client.collectionExists(spec.name),
    );
    if (!exists) await this.#create(spec);
    const info = await this.#call('reading a collection', spec.name, () => this.#client.getCollection(spec.name));
    const existing = this.#specOf(spec.name, info);
    assertSameSpec(spec, existing);
    for (const field of INDEXED_FIELDS) {
      if (info.payload_schema[field] !== undefined) continue;
      // Also after a crash between creating the collection and its indexes.
      await this.#call('creating a payload index', spec.name, () =>
        this.#client.createPayloadIndex(spec.name, { field_name: field, field_schema: 'keyword', wait: true }),
      );
    }
    this.#specs.set(spec.name, existing);
    return { ...existing, distance: 'cosine', chunkCount: await this.#count(spec.name) };
  }

  async documentHash(collection: string, documentId: string): Promise<string | null> {
    await this.#spec(collection);
    const { points } = await this.#call('reading a document hash', collection, () =>
      this.#client.scroll(collection, {
        filter: documentFilter(documentId),
        limit: 1,
        with_payload: ['documentHash'],
        with_vector: false,
      }),
    );
    const hash = points[0]?.payload?.['documentHash'];
    return typeof hash === 'string' ? hash : null;
  }

  async documentChunks(collection: string, documentId: string, window: DocumentChunksWindow): Promise<StoredChunk[]> {
    await this.#spec(collection);
    assertChunksWindow(window);
    const { points } = await this.#call('reading a document', collection, () =>
      this.#client.scroll(collection, {
        filter: documentWindowFilter(documentId, window.fromPosition, window.limit),
        limit: window.limit,
        with_payload: true,
        with_vector: false,
      }),
    );
    return points
      .map((point) => storedChunkOfPayload(point.id, point.payload ?? {}))
      .sort((a, b) => a.position - b.position);
  }

  async replaceDocument(
    collection: string,
    documentId: string,
    chunks: readonly ChunkRecord[],
  ): Promise<ReplaceResult> {
    const spec = await this.#spec(collection);
    assertDocumentChunks(collection, spec.dimension, documentId, chunks);
    const plan = planReplacement(await this.#storedChunks(collection, documentId), chunks);
    const result: ReplaceResult = { written: plan.write.length, deleted: plan.stale.length, unchanged: plan.unchanged };
    if (isNoop(plan)) return result;
    const batchSize = this.#options.batchSize ?? DEFAULT_BATCH_SIZE;
    for (let start = 0; start < plan.write.length; start += batchSize) {
      const points = plan.write.slice(start, start + batchSize).map(chunkPoint);
      await this.#call('writing chunks', collection, () => this.#client.upsert(collection, { wait: true, points }));
    }
    if (plan.stale.length > 0) {
      await this.#call('deleting stale chunks', collection, () =>
        this.#client.delete(collection, { wait: true, points: plan.stale }),
      );
    }
    return result;
  }

  async deleteDocument(collection: string, documentId: string): Promise<number> {
    await this.#spec(collection);
    const filter = documentFilter(documentId);
    const { count } = await this.#call('counting chunks', collection, () =>
      this.#client.count(collection, { filter, exact: true }),
    );
    if (count > 0) {
      await this.#call('deleting a document', collection, () =>
        this.#client.delete(collection, { wait: true, filter }),
      );
    }
    return count;
  }

  async search(collection: string, vector: Float32Array | number[], options: SearchOptions): Promise<SearchHit[]> {
    const spec = await this.#spec(collection);
    assertVector(vector, spec.dimension, collection, 'search');
    assertSearchOptions(options);
    const filter = searchFilter(options.filter);
    const { points } = await this.#call('searching', collection, () =>
      this.#client.query(collection, {
        query: Array.from(vector),
        limit: options.limit,
        with_payload: true,
        with_vector: false,
        ...(filter !== undefined ? { filter } : {}),
      }),
    );
    return points.map((point) => ({ score: point.score, chunk: storedChunkOfPayload(point.id, point.payload ?? {}) }));
  }

  async info(collection: string): Promise<CollectionInfo | undefined> {
    assertCollectionName(collection);
    const { exists } = await this.#call('checking a collection', collection, () =>
      this.#client.collectionExists(collection),
    );
    if (!exists) {
      this.#specs.delete(collection);
      return undefined;
    }
    const info = await this.#call('reading a collection', collection, () => this.#client.getCollection(collection));
    return { ...this.#specOf(collection, info), distance: 'cosine', chunkCount: await this.#count(collection) };
  }

  async optimize(collection: string): Promise<void> {
    await this.#spec(collection);
    await this.#call('optimizing', collection, () =>
      this.#client.updateCollection(collection, { optimizers_config: this.#options.optimizers ?? {} }),
    );
  }

  async snapshot(collection: string, targetDir?: string): Promise<SnapshotResult> {
    await this.#spec(collection);
    const chunkCount = await this.#count(collection);
    const snapshot = await this.#call('taking a snapshot', collection, () =>
      this.#client.createSnapshot(collection, { wait: true }),
    );
    if (!snapshot) {
      throw new SedanoError('SEDANO_ERR_VECTOR_STORE_UNAVAILABLE', `Qdrant took no snapshot of ${collection}`, {
        retriable: true,
      });
    }
    const url = `${this.#options.url.replace(/\/+$/, '')}/collections/${encodeURIComponent(collection)}/snapshots/${encodeURIComponent(snapshot.name)}`;
    if (targetDir === undefined) return { location: url, bytes: snapshot.size, chunkCount };
    const location = path.resolve(targetDir, snapshot.name);
    await this.#download(url, location);
    await this.#call('removing the downloaded snapshot', collection, () =>
      this.#client.deleteSnapshot(collection, snapshot.name, { wait: true }),
    );
    return { location, bytes: snapshot.size, chunkCount };
  }

  async dropCollection(collection: string): Promise<boolean> {
    assertCollectionName(collection);
    this.#specs.delete(collection);
    const { exists } = await this.#call('checking a collection', collection, () =>
      this.#client.collectionExists(collection),
    );
    if (!exists) return false;
    await this.#call('dropping a collection', collection, () => this.#client.deleteCollection(collection));
    return true;
  }

  async close(): Promise<void> {
    // The REST client keeps no connection of its own to release (fetch's pool idles out).
    this.#closed = true;
    this.#specs.clear();
  }

  async #create(spec: CollectionSpec): Promise<void> {
    try {
      await this.#client.createCollection(spec.name, {
        vectors: { size: spec.dimension, distance: 'Cosine' },
        metadata: collectionMetadata(spec),
        ...(this.#options.optimizers !== undefined ? { optimizers_config: this.#options.optimizers } : {}),
      });
    } catch (error) {
      // Another worker created it between the existence check and here: checked by the caller.
      if (httpStatus(error) === 409) return;
      throw this.#translate(error, 'creating a collection', spec.name);
    }
  }

  async #spec(collection: string): Promise<CollectionSpec> {
    assertCollectionName(collection);
    if (this.#closed) throw new SedanoError('SEDANO_ERR_VECTOR_STORE_UNAVAILABLE', 'the Qdrant store is closed');
    const cached = this.#specs.get(collection);
    if (cached) return cached;
    const info = await this.#call('reading a collection', collection, () => this.#client.getCollection(collection));
    const spec = this.#specOf(collection, info);
    this.#specs.set(collection, spec);
    return spec;
  }

  #specOf(collection: string, info: Schemas['CollectionInfo']): CollectionSpec {
    const spec = specOfCollection(collection, info.config.metadata);
    const size = vectorSize(info.config.params.vectors);
    if (!spec || size !== spec.dimension) {
      throw new SedanoError(
        'SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH',
        `Qdrant collection ${collection} records no embedder and dimension matching its vectors: it was not created by sedano (or by a Qdrant older than 1.16)`,
      );
    }
    return spec;
  }

  async #storedChunks(collection: string, documentId: string): Promise<StoredChunkState[]> {
    const stored: StoredChunkState[] = [];
    let offset: Schemas['ExtendedPointId'] | null | undefined;
    do {
      const page = await this.#call('reading stored chunks', collection, () =>
        this.#client.scroll(collection, {
          filter: documentFilter(documentId),
          limit: 256,
          with_payload: ['documentHash'],
          with_vector: false,
          ...(offset !== undefined && offset !== null ? { offset } : {}),
        }),
      );
      for (const point of page.points) {
        stored.push({ id: String(point.id), documentHash: String(point.payload?.['documentHash']) });
      }
      offset = page.next_page_offset as Schemas['ExtendedPointId'] | null | undefined;
    } while (offset !== undefined && offset !== null);
    return stored;
  }

  async #count(collection: string): Promise<number> {
    const { count } = await this.#call('counting chunks', collection, () =>
      this.#client.count(collection, { exact: true }),
    );
    return count;
  }

  async #download(url: string, file: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const headers: Record<string, string> =
      this.#options.apiKey !== undefined ? { 'api-key': this.#options.apiKey } : {};
    const response = await fetch(url, { headers });
    if (!response.ok || response.body === null) {
      throw new SedanoError(
        'SEDANO_ERR_VECTOR_STORE_UNAVAILABLE',
        `downloading the snapshot ${url} failed: HTTP ${response.status}`,
        { retriable: true },
      );
    }
    await pipeline(Readable.fromWeb(response.body), createWriteStream(file, { flags: 'wx' }));
  }

  async #call<T>(what: string, collection: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.#translate(error, what, collection);
    }
  }

  #translate(error: unknown, what: string, collection: string): Error {
    if (isSedanoError(error)) return error;
    const status = httpStatus(error);
    const reason = qdrantReason(error);
    if (status === 404) {
      this.#specs.delete(collection);
      return new SedanoError('SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND', `Qdrant has no collection ${collection}`, {
        cause: error,
      });
    }
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
      return new SedanoError('SEDANO_ERR_VECTOR_INVALID_INPUT', `Qdrant refused ${what} in ${collection}: ${reason}`, {
        cause: error,
      });
    }
    return new SedanoError('SEDANO_ERR_VECTOR_STORE_UNAVAILABLE', `Qdrant ${what} in ${collection} failed: ${reason}`, {
      retriable: true,
      cause: error,
    });
  }
}

/** A vector store on the Qdrant at `options.url`; no request is made until it is used. */
export function createQdrantVectorStore(options: QdrantVectorStoreOptions): VectorStore {
  return new QdrantVectorStore(options);
}
