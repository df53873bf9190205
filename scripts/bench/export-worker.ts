/**
 * A process of the export benchmark: renders `reports` financial reports of `detailRows`
 * invoice rows one after another with exportReport (the stage's work, as its thread does it)
 * into a temp directory, after one warm-up report, and prints its figures as one JSON line:
 * seconds, pages per report and its peak RSS (the process's maximum resident set).
 *
 * Arguments (JSON in argv[2]): { reports, detailRows, dir }.
 */
import { randomUUID } from 'node:crypto';
import { exportReport } from '../../services/exporter/export-report.ts';
import { resolveExporterOptions } from '../../services/exporter/exporter-options.ts';
import { sampleFinancialRequest } from '../../services/exporter/sample-reports.ts';
import { createLocalDirectoryStorage } from '../../services/exporter/storage/local-directory-storage.ts';

export interface ExportWorkerArgs {
  reports: number;
  detailRows: number;
  dir: string;
}

export interface ExportWorkerReport {
  reports: number;
  pages: number;
  seconds: number;
  sizeBytes: number;
  peakRssBytes: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ExportWorkerArgs;
const dependencies = { storage: createLocalDirectoryStorage(args.dir), limits: resolveExporterOptions().limits };
const control = { signal: new AbortController().signal, progress: () => {} };
const render = () =>
  exportReport(randomUUID(), sampleFinancialRequest('bench', 'it', args.detailRows), dependencies, control);

await render();
let pages = 0;
let sizeBytes = 0;
const started = performance.now();
for (let i = 0; i < args.reports; i += 1) {
  const result = await render();
  pages = result.pages;
  sizeBytes = result.sizeBytes;
}
const report: ExportWorkerReport = {
  reports: args.reports,
  pages,
  seconds: (performance.now() - started) / 1000,
  sizeBytes,
  // resourceUsage's maxRSS is in KiB.
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
