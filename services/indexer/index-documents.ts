/**
 * One indexing job: for each document of the request, resolve it inside the document roots,
 * load it (size and hash before any parsing), skip it when the store already holds this
 * version, else chunk it, embed the chunks in batches and make the collection hold exactly
 * them (`replaceDocument`, one commit per document, so a reader or a crash never leaves half
 * a document). Its collaborators are injected, so tests run it against a real store and Redis
 * without Kafka; the stage's thread handler (handler.ts) builds them once per thread.
 *
 * Outcomes:
 * - A document that cannot be read, parsed or accepted (a non-retriable error) goes to
 *   `failed` with its code and reason, and the job goes on with the next one.
 * - A document whose file no longer exists has its chunks removed from the collection
 *   (deleting a file and re-running the job deletes its chunks); it is still listed in `failed`.
 * - An outage (a retriable error of the embedder, the cache's Redis or the store) fails the
 *   attempt, so the runtime retries the job; documents finished before are then unchanged.
 * - A job whose every document failed still succeeds: the job did what was asked, and its
 *   result says, per document, why nothing was indexed (see README, Indexing stage).
 * - The result's lists are cut to a size budget, the rest counted (result-budget.ts), so a job
 *   of many documents never makes a SUCCESS the status topic refuses.
 */
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentReference } from '../../schemas/document-reference.ts';
import type { FailedDocument } from '../../schemas/failed-document.ts';
import type { IndexDocumentsRequest } from '../../schemas/index-documents-request.ts';
import type { IndexedDocument } from '../../schemas/indexed-document.ts';
import type { IndexingResult } from '../../schemas/indexing-result.ts';
import type { SkippedDocument } from '../../schemas/skipped-document.ts';
import { type ErrorCode, isSedanoError } from '../lib/errors.ts';
import { shownText } from '../lib/shown-text.ts';
import type { JobContext } from '../lib/runtime/stage.ts';
import {
  type Chunk,
  chunkSections,
  type ResolvedSplitterOptions,
  resolveSplitterOptions,
} from './chunking/splitter.ts';
import { documentVersionHash } from './document-version.ts';
import type { DocumentLimits } from './documents/limits.ts';
import { loadDocument } from './documents/load-document.ts';
import { resolveDocument } from './documents/resolve.ts';
import type { Embedder } from './embedding/embedder.ts';
import { chunkingFraction, indexingProgressReport, type IndexingProgressState } from './indexing-progress.ts';
import { withinBudget } from './result-budget.ts';
import { chunkId } from './vector-store/chunk-id.ts';
import type { ChunkRecord, VectorStore } from './vector-store/port.ts';

/** Chunks embedded per call to the embedder (and per progress report). */
export const DEFAULT_EMBED_BATCH_SIZE = 64;

/** The store calls an indexing job makes (in a worker thread, run by the main thread's store: thread-calls.ts). */
export type IndexingStore = Pick<
  VectorStore,
  'ensureCollection' | 'documentHash' | 'replaceDocument' | 'deleteDocument'
>;

export interface IndexDocumentsDependencies {
  store: IndexingStore;
  /** The embedder, usually wrapped in the Redis cache (embedding/cache.ts). */
  embedder: Embedder;
  /** Absolute directories the documents are read from. */
  documentRoots: readonly string[];
  limits: DocumentLimits;
  /** Chunks per embedding call. Default DEFAULT_EMBED_BATCH_SIZE. */
  embedBatchSize?: number;
}

export type IndexingContext = Pick<JobContext<IndexDocumentsRequest>, 'signal' | 'progress'>;

export type IndexingRequest = Pick<IndexDocumentsRequest, 'collection' | 'documents' | 'chunkSize' | 'chunkOverlap'>;

/** An error of the embedder, its cache or the store: never blamed on the document. */
class InfrastructureFailure extends Error {
  constructor(cause: unknown) {
    super('infrastructure failure', { cause });
  }
}

async function infrastructure<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new InfrastructureFailure(error);
  }
}

type DocumentOutcome =
  { kind: 'indexed'; document: IndexedDocument; written: number } | { kind: 'unchanged'; document: SkippedDocument };

/** Runs the job; resolves with its result, or rejects on an outage, an abort or a collection that cannot be used. */
export async function indexDocuments(
  request: IndexingRequest,
  dependencies: IndexDocumentsDependencies,
  context: IndexingContext,
): Promise<IndexingResult> {
  const splitter = splitterOptions(request);
  const { store, embedder } = dependencies;
  // A collection of another embedder or dimension fails the job at once (non-retriable codes).
  await store.ensureCollection({ name: request.collection, embedder: embedder.name, dimension: embedder.dimension });
  const result: IndexingResult = {
    collection: request.collection,
    indexed: [],
    unchanged: [],
    failed: [],
    chunksWritten: 0,
    indexedOmitted: 0,
    unchangedOmitted: 0,
    failedOmitted: 0,
  };
  const state: IndexingProgressState = {
    currentDocument: null,
    documentsDone: 0,
    documentsTotal: request.documents.length,
    chunksWritten: 0,
    fraction: 0,
  };
  const report = (message: string) => {
    const { current, total, details } = indexingProgressReport(state, message);
    context.progress(current, total, message, details);
  };
  report(`indexing ${request.documents.length} document(s) into ${request.collection}`);

  for (const reference of request.documents) {
    context.signal.throwIfAborted();
    state.currentDocument = reference.documentId ?? reference.uri;
    state.fraction = 0;
    report(`reading ${state.currentDocument}`);
    try {
      const outcome = await indexDocument(
        reference,
        request.collection,
        splitter,
        dependencies,
        context,
        (fraction) => {
          state.fraction = fraction;
          report(`embedding ${state.currentDocument}`);
        },
      );
      if (outcome.kind === 'indexed') {
        result.indexed.push(outcome.document);
        result.chunksWritten += outcome.written;
        state.chunksWritten = result.chunksWritten;
      } else {
        result.unchanged.push(outcome.document);
      }
    } catch (error) {
      result.failed.push(await failure(error, reference, request.collection, dependencies, context.signal));
    }
    state.documentsDone += 1;
    state.fraction = 0;
    report(`${state.documentsDone} of ${state.documentsTotal} document(s) done`);
  }
  state.currentDocument = null;
  report(
    `${result.indexed.length} indexed, ${result.unchanged.length} unchanged, ${result.failed.length} failed; ` +
      `${result.chunksWritten} chunk(s) written`,
  );
  return withinBudget(result);
}

function splitterOptions(request: IndexingRequest): ResolvedSplitterOptions {
  return resolveSplitterOptions({
    ...(request.chunkSize === null ? {} : { chunkSize: request.chunkSize }),
    ...(request.chunkOverlap === null ? {} : { chunkOverlap: request.chunkOverlap }),
  });
}

async function indexDocument(
  reference: DocumentReference,
  collection: string,
  splitter: ResolvedSplitterOptions,
  dependencies: IndexDocumentsDependencies,
  context: IndexingContext,
  onBatch: (fraction: number) => void,
): Promise<DocumentOutcome> {
  const { store, embedder } = dependencies;
  const resolved = await resolveDocument(reference, dependencies.documentRoots);
  const loaded = await loadDocument(resolved.path, reference.contentType, dependencies.limits);
  const { documentId, source } = resolved;
  const documentHash = documentVersionHash({
    contentHash: loaded.contentHash,
    source,
    metadata: reference.metadata,
    splitter,
  });
  if ((await infrastructure(() => store.documentHash(collection, documentId))) === documentHash) {
    return { kind: 'unchanged', document: { documentId, source, reason: 'content hash unchanged' } };
  }

  const batchSize = dependencies.embedBatchSize ?? DEFAULT_EMBED_BATCH_SIZE;
  const records: ChunkRecord[] = [];
  let batch: Chunk[] = [];
  let characters = 0;
  const embedBatch = async () => {
    context.signal.throwIfAborted();
    const texts = batch.map((chunk) => chunk.text);
    const vectors = await infrastructure(() => embedder.embed(texts, context.signal));
    batch.forEach((chunk, i) => records.push(chunkRecord(chunk, vectors[i] as Float32Array, documentHash, reference)));
    characters += texts.reduce((sum, text) => sum + text.length, 0);
    batch = [];
    onBatch(chunkingFraction(characters, loaded.byteLength));
  };
  for await (const chunk of chunkSections(loaded.sections, { documentId, source }, splitter)) {
    batch.push(chunk);
    if (batch.length >= batchSize) await embedBatch();
  }
  if (batch.length > 0) await embedBatch();
  context.signal.throwIfAborted();
  const replaced = await infrastructure(() => store.replaceDocument(collection, documentId, records));
  return {
    kind: 'indexed',
    document: { documentId, source, chunks: records.length, contentHash: loaded.contentHash },
    written: replaced.written,
  };
}

function chunkRecord(
  chunk: Chunk,
  vector: Float32Array,
  documentHash: string,
  reference: DocumentReference,
): ChunkRecord {
  return {
    id: chunkId(chunk.documentId, chunk.index, chunk.contentHash),
    documentId: chunk.documentId,
    documentHash,
    source: chunk.source,
    text: chunk.text,
    vector,
    page: chunk.page ?? null,
    sheet: chunk.sheet ?? null,
    rowFrom: chunk.rows?.[0] ?? null,
    rowTo: chunk.rows?.[1] ?? null,
    heading: chunk.heading ?? null,
    position: chunk.index,
    contentHash: chunk.contentHash,
    metadata: reference.metadata,
  };
}

/**
 * The failed[] entry for a document's error, or a rethrow when the error is not the
 * document's fault: an abort, an outage (retriable), or any error of the embedder or store.
 * Its reason is an error message, shown as one is (redacted, cut: shown-text.ts); its source is
 * the reference as the request gave it, for the submitter to match.
 */
async function failure(
  error: unknown,
  reference: DocumentReference,
  collection: string,
  dependencies: IndexDocumentsDependencies,
  signal: AbortSignal,
): Promise<FailedDocument> {
  if (signal.aborted) throw signal.reason;
  if (error instanceof InfrastructureFailure) {
    const cause = error.cause;
    // The embedder or store refused this document's input for good (e.g. a bad vector): its fault.
    if (!isSedanoError(cause) || cause.retriable) throw cause;
    return { source: reference.uri, code: cause.code, reason: shownText(cause.message) };
  }
  if (isSedanoError(error) && error.retriable) throw error;
  const code: ErrorCode = isSedanoError(error) ? error.code : 'SEDANO_ERR_JOB_FAILED';
  let reason = error instanceof Error ? error.message : String(error);
  if (code === 'SEDANO_ERR_DOCUMENT_NOT_FOUND') {
    const documentId = missingDocumentId(reference, dependencies.documentRoots);
    if (documentId !== undefined) {
      const removed = await dependencies.store.deleteDocument(collection, documentId);
      if (removed > 0) reason += `; its ${removed} chunk(s) were removed from ${collection}`;
    }
  }
  return { source: reference.uri, code, reason: shownText(reason) };
}

/**
 * The id a missing document was indexed under: its reference's documentId, or (as resolve.ts
 * derives it) its path relative to its root, for a relative path or a path inside a root.
 */
export function missingDocumentId(
  reference: Pick<DocumentReference, 'documentId' | 'uri'>,
  roots: readonly string[],
): string | undefined {
  if (reference.documentId !== null) return reference.documentId;
  let path = reference.uri;
  if (/^file:/i.test(path)) {
    try {
      path = fileURLToPath(path);
    } catch {
      return undefined;
    }
  } else if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path)) {
    return undefined;
  }
  if (!posix.isAbsolute(path)) {
    const relative = posix.normalize(path);
    return relative.startsWith('..') ? undefined : relative;
  }
  const normalised = posix.normalize(path);
  for (const root of roots) {
    const relative = posix.relative(posix.normalize(root), normalised);
    if (relative !== '' && !relative.startsWith('..') && !posix.isAbsolute(relative)) return relative;
  }
  return undefined;
}
