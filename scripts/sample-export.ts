/**
 * The sample export of `npm start`, through the running system's gateway: submits one export
 * job with `POST /v1/jobs` (the FINANCIAL template over an analysis job's result when one is
 * given, else the sample financial report), prints its progress from `GET /v1/jobs/:id/events`
 * until it ends, then downloads the PDF with `GET /v1/exports/:id` into `outputDir` and prints
 * where it is, with its pages, size and checksum. Ready for start.ts to call after the sample
 * analysis.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sampleFinancialRequest } from '../services/exporter/sample-reports.ts';
import type { JobView } from '../services/lib/status-view.ts';
import { gatewayErrorMessage, type GatewayTarget } from './ctl/gateway-client.ts';
import { percentLine, runSampleJob } from './sample-job.ts';

export interface SampleExportOptions {
  gateway: GatewayTarget;
  /** An analysis job whose result the report shows; none: the sample financial figures. */
  analysisJobId?: string;
  /** Where the PDF is downloaded to (default `.sedano/samples/exports`). */
  outputDir?: string;
  print?: (line: string) => void;
}

/** The export payload of the sample run (pure). */
export function sampleExportPayload(analysisJobId: string | undefined): Record<string, unknown> {
  if (analysisJobId !== undefined) {
    return { template: 'FINANCIAL', title: 'Analisi finanziaria dei documenti di esempio', analysisJobId };
  }
  const { header: _header, ...payload } = sampleFinancialRequest('', 'it');
  return JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
}

function progressLine(job: JobView): string | undefined {
  const details = job.progress?.details?.kind === 'sedano.ExportProgress' ? job.progress.details : undefined;
  const pages =
    details === undefined || details.page === 0
      ? ''
      : ` page ${details.page}${details.pages > 0 ? `/${details.pages}` : ''}`;
  return percentLine(job, ` ${details?.phase ?? ''}${pages}`);
}

/** Runs the sample export (see the module comment) and answers the PDF's path; throws unless the job succeeds. */
export async function runSampleExport(options: SampleExportOptions): Promise<string> {
  const { gateway, print = console.log } = options;
  const { jobId, result } = await runSampleJob(
    gateway,
    {
      stage: 'export',
      payload: sampleExportPayload(options.analysisJobId),
      resultKind: 'sedano.ExportResult',
      describe: `: ${options.analysisJobId === undefined ? 'the sample financial report' : `analysis ${options.analysisJobId}`}`,
      progressLine,
    },
    print,
  );
  const response = await fetch(`${gateway.url}/v1/exports/${jobId}`, {
    headers: { authorization: `Bearer ${gateway.token}` },
  });
  if (!response.ok) throw new Error(gatewayErrorMessage(response.status, await response.json().catch(() => null)));
  const bytes = Buffer.from(await response.arrayBuffer());
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== result.sha256)
    throw new Error(`the download's SHA-256 ${sha256} differs from the job's ${result.sha256}`);
  const dir = resolve(options.outputDir ?? '.sedano/samples/exports');
  await mkdir(dir, { recursive: true });
  const path = join(dir, result.fileName);
  await writeFile(path, bytes);
  print(
    `report: ${path} (${result.pages} pages, ${result.sizeBytes} bytes, sha256 ${result.sha256}); stored at ${result.fileUri}`,
  );
  return path;
}
