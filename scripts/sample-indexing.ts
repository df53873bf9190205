/**
 * The sample indexing run of `npm start`: starts a real indexer worker (services/indexer/main.ts,
 * as a child process), submits one indexing job over every file of samples/documents (English
 * and Italian, every supported format), prints the job's progress as its status events arrive
 * on the status topic, then its result, then one search of the collection, and stops the worker.
 *
 * The status topic is read by a throwaway consumer group that starts at the topic's end offsets
 * taken before the job is submitted (so no event of the job is missed), and is deleted after.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { IndexingResult } from '../schemas/indexing-result.ts';
import { type JobStatusEvent, jobStatusEventContract } from '../schemas/job-status-event.ts';
import { createEmbedder } from '../services/indexer/embedding/create.ts';
import { DEFAULT_DOCUMENT_ROOT, resolveIndexerSettings } from '../services/indexer/indexer-settings.ts';
import { createVectorStore } from '../services/indexer/vector-store/create.ts';
import type { Codec } from '../services/lib/codec.ts';
import { createJobClient } from '../services/lib/job-client.ts';
import type { KafkaClient } from '../services/lib/kafka.ts';
import { STATUS_TOPIC } from '../topology/topics.ts';

const INDEXER_MAIN = new URL('../services/indexer/main.ts', import.meta.url).pathname;

/** The collection the samples are indexed into. */
export const SAMPLE_COLLECTION = 'samples';

export interface SampleIndexingOptions {
  kafka: KafkaClient;
  codec: Codec;
  /** Longest wait for the job to end, in milliseconds. */
  timeoutMs: number;
  print?: (line: string) => void;
}

interface ManifestEntry {
  file: string;
  sentence: string;
}

/** Starts the indexer worker and resolves once it says it runs; rejects if it exits first. */
async function startIndexer(print: (line: string) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, [INDEXER_MAIN], {
    env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the indexer worker exited with code ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: { msg?: string; level?: number } = {};
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        print(`indexer: ${line}`);
        return;
      }
      if (entry.msg === 'indexing stage running') resolve();
      // Warnings and errors of the worker are shown; its routine lines are not.
      else if ((entry.level ?? 0) >= 40) print(`indexer: ${line}`);
    });
  });
  await ready;
  return child;
}

async function stopIndexer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

function progressLine(event: JobStatusEvent): string | undefined {
  const progress = event.progress;
  if (event.state !== 'PROGRESS' || progress === null) return undefined;
  let counts = '';
  if (progress.details !== null && 'sedano.IndexingProgress' in progress.details) {
    const { documentsDone, documentsTotal, chunksWritten } = progress.details['sedano.IndexingProgress'];
    counts = ` ${documentsDone}/${documentsTotal} documents, ${chunksWritten} chunks written`;
  }
  return `[${progress.percent.toFixed(1).padStart(5)}%]${counts}  ${progress.message ?? ''}`;
}

/** Runs the sample indexing (see the module comment); resolves with the job's result. */
export async function runSampleIndexing(options: SampleIndexingOptions): Promise<IndexingResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const settings = resolveIndexerSettings(process.env);
  const manifest = JSON.parse(readFileSync(join(DEFAULT_DOCUMENT_ROOT, 'manifest.json'), 'utf8')) as ManifestEntry[];
  const files = readdirSync(DEFAULT_DOCUMENT_ROOT)
    .filter((name) => name !== 'manifest.json')
    .sort();

  const indexer = await startIndexer(print);
  const admin = await options.kafka.admin();
  const producer = await options.kafka.producer();
  const groupId = `sedano-start-status-${randomUUID()}`;
  const consumer = await options.kafka.consumer(groupId);
  try {
    const ends = await admin.fetchTopicOffsets(STATUS_TOPIC);
    // Set once the job is submitted; events of other jobs are skipped.
    const watched: { jobId?: string } = {};
    let settle: { resolve: (event: JobStatusEvent) => void; reject: (error: Error) => void } | undefined;
    const ended = new Promise<JobStatusEvent>((resolve, reject) => (settle = { resolve, reject }));
    // Awaited once the job is submitted; a worker that dies before then must not crash the process.
    ended.catch(() => undefined);
    indexer.once('exit', (code) => settle?.reject(new Error(`the indexer worker exited with code ${code}`)));
    const assigned = new Promise<void>((resolve) =>
      consumer.onAssignment(() => {
        for (const end of ends) consumer.seek({ topic: STATUS_TOPIC, partition: end.partition, offset: end.high });
        resolve();
      }),
    );
    await consumer.consume({
      topics: [STATUS_TOPIC],
      fromBeginning: false,
      handle: async (message) => {
        if (watched.jobId === undefined || message.key?.toString() !== watched.jobId) return;
        const { record } = await options.codec.decode(jobStatusEventContract, message.value);
        const line = progressLine(record);
        if (line !== undefined) print(line);
        if (record.state === 'SUCCESS' || record.state === 'FAILURE' || record.state === 'REVOKED')
          settle?.resolve(record);
      },
    });
    await assigned;

    const client = createJobClient({ producer, codec: options.codec, submitter: 'sedano-start' });
    const documents = files.map((uri) => ({ uri, documentId: null, contentType: null, metadata: {} }));
    const job = await client.submit('indexing', {
      collection: SAMPLE_COLLECTION,
      documents,
      chunkSize: null,
      chunkOverlap: null,
    });
    watched.jobId = job.jobId;
    print(
      `indexing job ${job.jobId}: ${files.length} documents of ${DEFAULT_DOCUMENT_ROOT} into "${SAMPLE_COLLECTION}"`,
    );
    const timeout = setTimeout(
      () => settle?.reject(new Error(`the indexing job did not end within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const final = await ended.finally(() => clearTimeout(timeout));
    const result = final.result;
    if (final.state !== 'SUCCESS' || result === null || !('sedano.IndexingResult' in result)) {
      throw new Error(`the indexing job ended ${final.state}: ${final.error?.message ?? 'no result'}`);
    }
    const indexing = result['sedano.IndexingResult'];
    print(
      `SUCCESS: ${indexing.indexed.length} indexed, ${indexing.unchanged.length} unchanged, ` +
        `${indexing.failed.length} failed, ${indexing.chunksWritten} chunks written`,
    );
    for (const failure of indexing.failed) print(`  failed ${failure.source}: ${failure.code} ${failure.reason}`);

    const sample = manifest.find((entry) => entry.file.startsWith('it-') && entry.file.endsWith('.pdf')) ?? manifest[0];
    if (sample !== undefined) await printSearch(sample.sentence, settings, print);
    return indexing;
  } finally {
    await consumer.close();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await Promise.all([producer.close(), admin.close()]);
    await stopIndexer(indexer);
  }
}

async function printSearch(
  query: string,
  settings: ReturnType<typeof resolveIndexerSettings>,
  print: (line: string) => void,
): Promise<void> {
  const store = await createVectorStore(settings.store);
  try {
    const embedder = await createEmbedder(settings.embedder);
    const [vector] = await embedder.embed([query]);
    if (vector === undefined) throw new Error('the embedder returned no vector');
    const [hit] = await store.search(SAMPLE_COLLECTION, vector, { limit: 1 });
    print(`search "${query}":`);
    if (hit === undefined) {
      print('  no hit');
      return;
    }
    const where = [
      hit.chunk.page === null ? undefined : `page ${hit.chunk.page}`,
      hit.chunk.sheet === null ? undefined : `sheet ${hit.chunk.sheet}`,
      hit.chunk.heading === null ? undefined : `under "${hit.chunk.heading}"`,
    ].filter((part) => part !== undefined);
    print(`  ${hit.score.toFixed(3)}  ${hit.chunk.source}${where.length > 0 ? ` (${where.join(', ')})` : ''}`);
    print(`  "${hit.chunk.text.replace(/\s+/g, ' ').slice(0, 200)}"`);
  } finally {
    await store.close();
  }
}
