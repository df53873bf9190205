/**
 * The sample indexing run of `npm start`, through the running system's gateway: submits one
 * indexing job over every file of samples/documents (English and Italian, every supported
 * format) with `POST /v1/jobs`, prints its progress from `GET /v1/jobs/:id/events` (Server-Sent
 * Events) until it ends, then its result, then one search with
 * `POST /v1/collections/:name/search`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DOCUMENT_ROOT } from '../services/indexer/settings.ts';
import type { JobView } from '../services/lib/status-view.ts';
import { gatewayRequest, type GatewayTarget } from './ctl/gateway-client.ts';
import { percentLine, runSampleJob } from './sample-job.ts';

/** The collection the samples are indexed into. */
export const SAMPLE_COLLECTION = 'samples';

export interface SampleIndexingOptions {
  gateway: GatewayTarget;
  print?: (line: string) => void;
}

interface ManifestEntry {
  file: string;
  sentence: string;
}

interface SearchReply {
  hits: {
    score: number;
    source: string;
    page: number | null;
    sheet: string | null;
    heading: string | null;
    text: string;
  }[];
}

function progressLine(job: JobView): string | undefined {
  const details = job.progress?.details?.kind === 'sedano.IndexingProgress' ? job.progress.details : undefined;
  const counts =
    details === undefined
      ? ''
      : ` ${details.documentsDone}/${details.documentsTotal} documents, ${details.chunksWritten} chunks written`;
  return percentLine(job, counts);
}

/** Runs the sample indexing (see the module comment); throws unless the job succeeds. */
export async function runSampleIndexing({ gateway, print = console.log }: SampleIndexingOptions): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(DEFAULT_DOCUMENT_ROOT, 'manifest.json'), 'utf8')) as ManifestEntry[];
  const files = readdirSync(DEFAULT_DOCUMENT_ROOT)
    .filter((name) => name !== 'manifest.json')
    .sort();
  const documents = files.map((uri) => ({ uri }));
  const { result } = await runSampleJob(
    gateway,
    {
      stage: 'indexing',
      payload: { collection: SAMPLE_COLLECTION, documents },
      resultKind: 'sedano.IndexingResult',
      describe: `: ${files.length} documents of ${DEFAULT_DOCUMENT_ROOT} into "${SAMPLE_COLLECTION}"`,
      progressLine,
    },
    print,
  );
  print(
    `${result.indexed.length} indexed, ${result.unchanged.length} unchanged, ` +
      `${result.failed.length} failed, ${result.chunksWritten} chunks written`,
  );
  for (const failure of result.failed) print(`  failed ${failure.source}: ${failure.code} ${failure.reason}`);

  const sample = manifest.find((entry) => entry.file.startsWith('it-') && entry.file.endsWith('.pdf')) ?? manifest[0];
  if (sample === undefined) return;
  const { hits } = await gatewayRequest<SearchReply>(gateway, 'POST', `/v1/collections/${SAMPLE_COLLECTION}/search`, {
    query: sample.sentence,
    limit: 1,
  });
  print(`search "${sample.sentence}":`);
  const [hit] = hits;
  if (hit === undefined) {
    print('  no hit');
    return;
  }
  const where = [
    hit.page === null ? undefined : `page ${hit.page}`,
    hit.sheet === null ? undefined : `sheet ${hit.sheet}`,
    hit.heading === null ? undefined : `under "${hit.heading}"`,
  ].filter((part) => part !== undefined);
  print(`  ${hit.score.toFixed(3)}  ${hit.source}${where.length > 0 ? ` (${where.join(', ')})` : ''}`);
  print(`  "${hit.text.replace(/\s+/g, ' ').slice(0, 200)}"`);
}
