/**
 * `node scripts/render-sample-reports.ts [dir]`: renders the sample reports (each template,
 * Italian and English; services/exporter/sample-reports.ts) into `dir` (default
 * `.sedano/samples/exports`) without Kafka, and prints where each file is. The pictures under
 * docs/ are their pages, converted with Debian's `pdftoppm`.
 */
import { mkdir, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { exportReport } from '../services/exporter/export-report.ts';
import { resolveExporterOptions } from '../services/exporter/exporter-options.ts';
import { sampleDefaultRequest, sampleFinancialRequest } from '../services/exporter/sample-reports.ts';
import { createLocalDirectoryStorage } from '../services/exporter/storage/local-directory-storage.ts';

const dir = resolve(process.argv[2] ?? '.sedano/samples/exports');
await mkdir(dir, { recursive: true });
const storage = createLocalDirectoryStorage(dir);
const dependencies = { storage, limits: resolveExporterOptions().limits };
const control = { signal: new AbortController().signal, progress: () => {} };
// Fixed job ids: the samples keep their names from one run to the next.
const samples = [
  { name: 'default-it', jobId: '00000000-0000-4000-8000-000000000001', request: sampleDefaultRequest('', 'it') },
  { name: 'default-en', jobId: '00000000-0000-4000-8000-000000000002', request: sampleDefaultRequest('', 'en') },
  { name: 'financial-it', jobId: '00000000-0000-4000-8000-000000000003', request: sampleFinancialRequest('', 'it') },
  { name: 'financial-en', jobId: '00000000-0000-4000-8000-000000000004', request: sampleFinancialRequest('', 'en') },
];
for (const { name, jobId, request } of samples) {
  const result = await exportReport(jobId, request, dependencies, control);
  // Stored under the job's name, as the stage does; renamed here for a reader's convenience.
  const path = join(dir, `${name}.pdf`);
  await rename(join(dir, result.fileName), path);
  console.log(`${path}  ${result.pages} pages, ${result.sizeBytes} bytes`);
}
