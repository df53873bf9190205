/**
 * Fixtures of the indexing stage tests: document folders in temp dirs (copies of the samples
 * next to a corrupt, an oversize and an outside-root file; a generated corpus of PDFs for the
 * crash test), indexing jobs produced to a sandbox's lane, and a direct look at the LanceDB
 * table (every chunk id, to find duplicates).
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { connect } from '@lancedb/lancedb';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { DocumentReference } from '../../../../schemas/document-reference.ts';
import {
  indexDocumentsRequestContract,
  type IndexDocumentsRequest,
} from '../../../../schemas/index-documents-request.ts';
import type { Codec, SubjectBinding } from '../../../../services/lib/codec.ts';
import { newJobId } from '../../../../services/lib/job-ids.ts';
import type { KafkaProducer } from '../../../../services/lib/kafka.ts';
import { DEFAULT_DOCUMENT_LIMITS } from '../../../../services/indexer/documents/limits.ts';
import {
  DEFAULT_DOCUMENT_ROOT,
  indexerSettings,
  indexerThreadSettings,
  type IndexerThreadSettings,
} from '../../../../services/indexer/settings.ts';
import { resolveSettings } from '../../../../services/lib/settings.ts';
import type { StageTopics } from '../../../../services/lib/runtime/stage-topics.ts';
import { endpoints, testNames } from '../../../support/resources.ts';

/** A sample's entry in samples/documents/manifest.json. */
export interface SampleEntry {
  file: string;
  format: string;
  sentence: string;
  page?: number;
  sheet?: string;
  row?: number;
  heading?: string;
}

export const MANIFEST = JSON.parse(readFileSync(join(DEFAULT_DOCUMENT_ROOT, 'manifest.json'), 'utf8')) as SampleEntry[];

/**
 * The indexing threads' settings as the indexer's main.ts resolves them, for the test's document
 * root and data directory, with the hashing embedder, and the embedding cache in the Redis
 * namespace `namespace` (the test's own, so redisClient's cleanup removes the cached vectors).
 */
export function indexerThreadSettingsFor(options: {
  root: string;
  dataDir: string;
  namespace: string;
}): IndexerThreadSettings {
  return indexerThreadSettings(
    resolveSettings(indexerSettings, {
      REDIS_URL: endpoints().redisUrl,
      SEDANO_DOCUMENT_ROOTS: options.root,
      SEDANO_DATA_DIR: options.dataDir,
      SEDANO_EMBEDDER: 'hashing',
      SEDANO_NAMESPACE: options.namespace,
    }),
  );
}

/** A temp directory removed when the test ends. */
export function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function reference(uri: string): DocumentReference {
  return { uri, documentId: null, contentType: null, metadata: {} };
}

/** The failures the mixed folder must produce, by uri: the error code each must carry. */
export interface MixedFolder {
  root: string;
  documents: DocumentReference[];
  good: SampleEntry[];
  bad: Record<string, string>;
}

/**
 * A document root holding a copy of every sample, a corrupt PDF and an oversize text file
 * (sparse: its size is past the 50 MiB limit without writing it), plus a reference to a file
 * outside the root.
 */
export function mixedFolder(t: TestContext): MixedFolder {
  const root = tempDir(t, 'sedano-index-root-');
  const outside = tempDir(t, 'sedano-index-outside-');
  for (const entry of MANIFEST) copyFileSync(join(DEFAULT_DOCUMENT_ROOT, entry.file), join(root, entry.file));
  writeFileSync(join(root, 'corrupt.pdf'), '%PDF-1.7\n1 0 obj << /Type /Catalog broken beyond repair');
  writeFileSync(join(root, 'oversize.txt'), '');
  truncateSync(join(root, 'oversize.txt'), DEFAULT_DOCUMENT_LIMITS.maxFileBytes + 1);
  const secret = join(outside, 'secret.txt');
  writeFileSync(secret, 'Nothing outside the document roots is ever read.');
  const bad = {
    'corrupt.pdf': 'SEDANO_ERR_DOCUMENT_CORRUPT',
    'oversize.txt': 'SEDANO_ERR_DOCUMENT_TOO_LARGE',
    [secret]: 'SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT',
  };
  const documents = [...MANIFEST.map((entry) => entry.file), ...Object.keys(bad)].map(reference);
  return { root, documents, good: MANIFEST, bad };
}

/** A root of `count` generated PDFs of `pages` pages each (different text per file). */
export async function pdfCorpus(t: TestContext, count: number, pages: number): Promise<DocumentReference[]> {
  const root = tempDir(t, 'sedano-index-corpus-');
  for (let file = 0; file < count; file += 1) {
    const document = await PDFDocument.create();
    const font = await document.embedFont(StandardFonts.Helvetica);
    for (let n = 1; n <= pages; n += 1) {
      const page = document.addPage([595, 842]);
      for (let line = 0; line < 40; line += 1) {
        page.drawText(`Report ${file}, page ${n}, line ${line}: figures, notes and logs of the corpus.`, {
          x: 40,
          y: 800 - line * 19,
          size: 9,
          font,
        });
      }
    }
    writeFileSync(join(root, `report-${String(file).padStart(3, '0')}.pdf`), await document.save());
  }
  return readdirSync(root)
    .sort()
    .map((name) => reference(join(root, name)));
}

/** Produces an indexing job to a stage sandbox's normal lane (its subject deleted by the sandbox). */
export async function submitIndexing(
  sandbox: { codec: Codec; producer: KafkaProducer; topics: StageTopics },
  fields: Pick<IndexDocumentsRequest, 'collection' | 'documents'> & Partial<IndexDocumentsRequest>,
): Promise<IndexDocumentsRequest> {
  const lane = sandbox.topics.lanes[1] ?? '';
  const binding: SubjectBinding<IndexDocumentsRequest> = {
    subject: testNames().valueSubject(lane),
    contract: indexDocumentsRequestContract,
    compatibility: 'FULL_TRANSITIVE',
  };
  const job: IndexDocumentsRequest = {
    chunkSize: null,
    chunkOverlap: null,
    ...fields,
    header: {
      jobId: newJobId(),
      jobType: 'INDEX_DOCUMENTS',
      priority: 'NORMAL',
      batchId: null,
      parentJobId: null,
      idempotencyKey: null,
      submittedAt: Date.now(),
      submitter: 'indexing-stage-test',
      retryPolicy: null,
      softTimeLimitMs: null,
      hardTimeLimitMs: null,
      expiresAt: null,
    },
  };
  await sandbox.producer.send(lane, [await sandbox.codec.toMessage(binding, job.header.jobId, job)]);
  return job;
}

/** Every chunk id in a LanceDB collection, read from the table itself (duplicates included). */
export async function storedChunkIds(dataDir: string, collection: string): Promise<string[]> {
  const db = await connect(dataDir);
  try {
    const table = await db.openTable(collection);
    const rows = await table.query().select(['id']).toArray();
    table.close();
    return rows.map((row: { id: unknown }) => String(row.id));
  } finally {
    db.close();
  }
}
