/**
 * `npm run bench -- indexing`: throughput and memory of the indexing stage. Generates a corpus
 * (PDFs of many pages, DOCX and XLSX files; indexing-corpus.ts) in a temp dir, runs the indexer
 * worker (`services/indexer/main.ts`: stage runtime, worker threads, the configured embedder with
 * its Redis cache, LanceDB in a temp dir) as a child process on topics and Redis keys of the
 * benchmark's own, submits one job per document, and reports documents/s, pages/s and chunks/s
 * per workload, the worker's RSS at rest and at its peak (every thread included, read from
 * /proc), and the benchmark process's own peak apart. Then indexes one long PDF in a worker
 * thread under an old-generation limit and reports that thread's peak V8 heap. Prints figures;
 * asserts nothing.
 *
 * Threads are started by a warm-up job per thread first, so the figures leave out start-up.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import type { IndexDocumentsRequest } from '../../schemas/index-documents-request.ts';
import { openLanceDbVectorStore } from '../../services/indexer/vector-store/lancedb.ts';
import { createCodec, type SubjectBinding } from '../../services/lib/codec.ts';
import { type Endpoints, resolveEndpoints } from '../../services/lib/endpoints.ts';
import { jobHeader } from '../../services/lib/job-client.ts';
import { createKafkaClient } from '../../services/lib/kafka.ts';
import { kafkaConnection } from '../../services/lib/kafka-connection.ts';
import { stageTopics } from '../../services/lib/runtime/stage-runtime.ts';
import { createSchemaRegistry, deleteSubject } from '../../services/lib/schema-registry.ts';
import { COMPATIBILITY_POLICIES, STAGE_REQUEST_CONTRACTS } from '../../topology/contracts.ts';
import { type TopologyNames, topologyNames } from '../../topology/names.ts';
import { type RedisKeys, redisKeys } from '../../topology/redis-keys.ts';
import { declaredTopics } from '../../topology/topics.ts';
import { Cleanup, deleteKeys } from './cleanup.ts';
import { startIndexerProcess } from './indexer-process.ts';
import { writeDocx, writePdf, writeXlsx } from './indexing-corpus.ts';
import type { MemoryWorkerData, MemoryWorkerReport } from './indexing-memory-worker.ts';

export const INDEXING_SYNOPSIS =
  'npm run bench -- indexing [--pdfs 8] [--pages 50] [--docx 8] [--xlsx 8] [--threads 4] ' +
  '[--long-pdf-pages 500] [--heap-mb 64]';

export interface IndexingBenchOptions {
  pdfs: number;
  pages: number;
  docx: number;
  xlsx: number;
  threads: number;
  longPdfPages: number;
  heapMb: number;
}

export function parseIndexingOptions(args: readonly string[]): IndexingBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: Object.fromEntries(
      ['pdfs', 'pages', 'docx', 'xlsx', 'threads', 'long-pdf-pages', 'heap-mb'].map((name) => [
        name,
        { type: 'string' as const },
      ]),
    ),
  });
  const whole = (name: string, fallback: number, minimum = 1) => {
    const text = values[name];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < minimum)
      throw new RangeError(`--${name}: expected a whole number of at least ${minimum}, got "${String(text)}"`);
    return n;
  };
  return {
    pdfs: whole('pdfs', 8, 0),
    pages: whole('pages', 50),
    docx: whole('docx', 8, 0),
    xlsx: whole('xlsx', 8, 0),
    threads: whole('threads', 4),
    longPdfPages: whole('long-pdf-pages', 500, 0),
    heapMb: whole('heap-mb', 64, 16),
  };
}

export interface WorkloadFigures {
  workload: string;
  documents: number;
  /** PDF pages, or undefined where pages mean nothing (DOCX, XLSX). */
  pages: number | undefined;
  chunks: number;
  seconds: number;
}

const MIB = 1024 * 1024;

/** The figures as a table (pure). */
export function formatIndexingTable(rows: readonly WorkloadFigures[]): string {
  const headers = ['workload', 'documents', 'pages', 'chunks', 'seconds', 'documents/s', 'pages/s', 'chunks/s'];
  const cells = [
    headers,
    ...rows.map((row) => [
      row.workload,
      String(row.documents),
      row.pages === undefined ? '-' : String(row.pages),
      String(row.chunks),
      row.seconds.toFixed(2),
      (row.documents / row.seconds).toFixed(1),
      row.pages === undefined ? '-' : (row.pages / row.seconds).toFixed(1),
      (row.chunks / row.seconds).toFixed(1),
    ]),
  ];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  return [line(cells[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export async function runIndexingBenchmark(options: IndexingBenchOptions): Promise<number> {
  const endpoints = resolveEndpoints(process.env);
  const cleanup = new Cleanup();
  // A namespace of the benchmark's own: its topics, groups and keys never meet a running system's.
  const base = `bench-${randomUUID().slice(0, 8)}`;
  const names = topologyNames(base);
  const keys = redisKeys(base);
  const redisPrefix = `${base}:`;
  const workDir = await mkdtemp(join(tmpdir(), 'sedano-bench-indexing-'));
  cleanup.add('temp dir', () => rm(workDir, { recursive: true, force: true }));
  const redis = new Redis(endpoints.redisUrl);
  cleanup.add('redis', () => redis.quit());
  cleanup.add('redis keys', () => deleteKeys(redis, `${redisPrefix}*`));
  try {
    const root = join(workDir, 'documents');
    const dataDir = join(workDir, 'lancedb');
    await mkdir(root);
    console.log(`generating the corpus in ${root} …`);
    const corpus = await generateCorpus(root, options);
    const stage = await startBenchStage({ endpoints, names, keys, redis, cleanup });
    const worker = await startIndexerProcess({
      SEDANO_NAMESPACE: base,
      SEDANO_DOCUMENT_ROOTS: root,
      SEDANO_DATA_DIR: dataDir,
      SEDANO_INDEXER_CONCURRENCY: String(options.threads),
    });
    cleanup.add('indexer worker', () => worker.stop());
    const started = await worker.memory();
    await stage.run('warm-up', corpus.warmUp);
    const atRest = await worker.memory();
    const rows: WorkloadFigures[] = [];
    for (const workload of corpus.workloads) {
      if (workload.files.length === 0) continue;
      console.log(`indexing ${workload.name} …`);
      const seconds = await stage.run(workload.collection, workload.files);
      const store = await openLanceDbVectorStore({ dataDir });
      const chunks = (await store.info(workload.collection))?.chunkCount ?? 0;
      await store.close();
      rows.push({ workload: workload.name, documents: workload.files.length, pages: workload.pages, chunks, seconds });
    }
    const workerMemory = await worker.memory();
    await worker.stop();
    const benchPeakRss = process.resourceUsage().maxRSS * 1024;
    const memory =
      options.longPdfPages > 0 ? await measureLongPdf(root, dataDir, base, options, endpoints.redisUrl) : undefined;

    console.log(
      `\nindexer worker (child process), ${options.threads} threads, embedder ${process.env['SEDANO_EMBEDDER'] ?? 'hashing'}, one job per document:\n`,
    );
    console.log(formatIndexingTable(rows));
    const mib = (bytes: number | undefined) => (bytes === undefined ? '?' : `${(bytes / MIB).toFixed(0)} MiB`);
    console.log(
      `\nindexer worker process (runtime and its ${options.threads} threads): RSS once running (no thread yet) ` +
        `${mib(started?.rssBytes)}, at rest after warm-up ${mib(atRest?.rssBytes)}, peak RSS ${mib(workerMemory?.peakRssBytes)}`,
    );
    console.log(`benchmark process (corpus, producer, polling; not the worker): peak RSS ${mib(benchPeakRss)}`);
    if (memory !== undefined) console.log(memory);
    return 0;
  } finally {
    await cleanup.run((name, error) => console.error(`cleanup ${name}: ${(error as Error).message}`));
  }
}

interface Corpus {
  warmUp: string[];
  workloads: { name: string; collection: string; files: string[]; pages: number | undefined }[];
}

async function generateCorpus(root: string, options: IndexingBenchOptions): Promise<Corpus> {
  const pdfs: string[] = [];
  for (let i = 0; i < options.pdfs; i += 1) pdfs.push(await writePdf(root, `report-${i}.pdf`, options.pages, i));
  const office: string[] = [];
  for (let i = 0; i < options.docx; i += 1) office.push(await writeDocx(root, `memo-${i}.docx`, 20, i));
  for (let i = 0; i < options.xlsx; i += 1) office.push(await writeXlsx(root, `ledger-${i}.xlsx`, 500, i));
  const warmUp: string[] = [];
  for (let i = 0; i < options.threads; i += 1) warmUp.push(await writeDocx(root, `warm-up-${i}.docx`, 1, 90_000 + i));
  if (options.longPdfPages > 0) await writePdf(root, 'long.pdf', options.longPdfPages, 99_999);
  return {
    warmUp,
    workloads: [
      {
        name: `PDF (${options.pdfs} x ${options.pages} pages)`,
        collection: 'bench-pdf',
        files: pdfs,
        pages: options.pdfs * options.pages,
      },
      {
        name: `DOCX + XLSX (${options.docx} + ${options.xlsx})`,
        collection: 'bench-office',
        files: office,
        pages: undefined,
      },
    ],
  };
}

/** The indexing stage's topics of the benchmark's own; `run` indexes files (one job each, by the worker) and times it. */
interface BenchStageContext {
  endpoints: Endpoints;
  names: TopologyNames;
  keys: RedisKeys;
  redis: Redis;
  cleanup: Cleanup;
}

async function startBenchStage({ endpoints, names, redis, keys, cleanup }: BenchStageContext) {
  const base = names.namespace;
  const kafka = createKafkaClient({ ...kafkaConnection(process.env), clientId: base, log: () => {} });
  const admin = await kafka.admin();
  cleanup.add('kafka admin', () => admin.close());
  const topics = stageTopics(names, 'indexing');
  const used = new Set([...topics.lanes, ...Object.values(topics.retry), topics.status, topics.control]);
  const shapes = declaredTopics(names, { replicationFactor: 1 }).filter((topic) => used.has(topic.name));
  await admin.createTopics(shapes);
  cleanup.add('topics', () => admin.deleteTopics(shapes.map((topic) => topic.name)));
  const lane = topics.lanes[1]!;
  const binding: SubjectBinding<IndexDocumentsRequest> = {
    subject: names.valueSubject(lane),
    contract: STAGE_REQUEST_CONTRACTS.indexing,
    compatibility: COMPATIBILITY_POLICIES.jobRequests.level,
  };
  cleanup.add('lane subject', () => deleteSubject(endpoints.schemaRegistryUrl, binding.subject));
  const codec = createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) });
  const producer = await kafka.producer();
  cleanup.add('producer', () => producer.close());

  return {
    /** Submits one job per file into `collection`, waits until every one ended; resolves with the seconds taken. */
    async run(collection: string, files: readonly string[]): Promise<number> {
      const started = performance.now();
      const jobs = files.map((file) => ({
        header: jobHeader('indexing', {}, 'sedano-bench', Date.now()),
        collection,
        documents: [{ uri: file, documentId: null, contentType: null, metadata: {} }],
        chunkSize: null,
        chunkOverlap: null,
      }));
      await producer.send(lane, await Promise.all(jobs.map((job) => codec.toMessage(binding, job.header.jobId, job))));
      const ids = jobs.map((job) => job.header.jobId);
      for (;;) {
        const states = await redis.mget(...ids.map((id) => keys.ledger(id)));
        if (states.every((state) => state !== null)) {
          const failed = states.filter((state) => state !== 'SUCCESS').length;
          if (failed > 0) throw new Error(`${failed} indexing job(s) of ${collection} did not succeed`);
          return (performance.now() - started) / 1000;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** Indexes the long PDF in one worker thread under a heap limit; the line to print. */
async function measureLongPdf(
  root: string,
  dataDir: string,
  namespace: string,
  options: IndexingBenchOptions,
  redisUrl: string,
): Promise<string> {
  const data: MemoryWorkerData = {
    uri: 'long.pdf',
    root,
    dataDir,
    namespace,
    collection: 'bench-long',
    redisUrl,
  };
  const worker = new Worker(new URL('./indexing-memory-worker.ts', import.meta.url), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
  });
  const what = `${options.longPdfPages}-page PDF in one worker thread limited to ${options.heapMb} MiB of old generation`;
  try {
    const report = await new Promise<MemoryWorkerReport>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the worker exited with code ${code}`)));
    });
    return (
      `${what}: indexed in ${(report.durationMs / 1000).toFixed(1)} s, ${report.chunks} chunks, ` +
      `peak V8 heap used ${(report.peakHeapUsedBytes / MIB).toFixed(1)} MiB`
    );
  } catch (error) {
    return `${what}: FAILED (${(error as Error).message})`;
  } finally {
    await worker.terminate();
  }
}
