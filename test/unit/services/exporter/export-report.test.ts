/**
 * exportReport end to end without infrastructure: real rendering into a temporary directory,
 * the PDF's text read back with pdf.js (unpdf).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import type { ExportReportRequest } from '../../../../schemas/export-report-request.ts';
import type { ExportResult } from '../../../../schemas/export-result.ts';
import { type ExportReportDependencies, exportReport } from '../../../../services/exporter/export-report.ts';
import { resolveExporterOptions } from '../../../../services/exporter/exporter-options.ts';
import { sampleDefaultRequest, sampleFinancialRequest } from '../../../../services/exporter/sample-reports.ts';
import { createLocalDirectoryStorage } from '../../../../services/exporter/storage/local-directory-storage.ts';
import { isSedanoError } from '../../../../services/lib/errors.ts';
import { pdfPagesText, pdfText } from './pdf-text.ts';

interface Run {
  result: ExportResult;
  path: string;
  progress: { current: number; total: number; message: string | null; details: unknown }[];
  dir: string;
}

function dependencies(dir: string, overrides: Partial<ExportReportDependencies> = {}): ExportReportDependencies {
  return { storage: createLocalDirectoryStorage(dir), limits: resolveExporterOptions().limits, ...overrides };
}

async function run(
  t: TestContext,
  request: ExportReportRequest,
  overrides: Partial<ExportReportDependencies> = {},
  jobId = randomUUID(),
): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-export-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const progress: Run['progress'] = [];
  const result = await exportReport(jobId, request, dependencies(dir, overrides), {
    signal: new AbortController().signal,
    progress: (current, total, message, details) =>
      progress.push({ current, total, message: message ?? null, details }),
  });
  return { result, path: fileURLToPath(result.fileUri), progress, dir };
}

async function assertCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isSedanoError(error), String(error));
    assert.equal(error.code, code);
    assert.equal(error.retriable, false);
    return true;
  });
}

test('the default template renders the title, paragraphs, table cells, accents, the euro sign and page numbers', async (t) => {
  const { result, path } = await run(t, sampleDefaultRequest('ignored', 'it'));
  const text = await pdfText(path);
  assert.equal(result.pages, text.pages);
  assert.equal(result.pages, 3);
  assert.match(text.text[0]!, /Stato della piattaforma — novembre/);
  assert.match(text.text[0]!, /Generato il 30 novembre 2026/);
  assert.match(text.all, /più documenti che mai/);
  assert.match(text.all, /0,42 €/);
  assert.match(text.all, /indicizzazione/);
  assert.match(text.all, /12\.480/);
  assert.match(text.all, /Affidabilità/);
  assert.match(text.text[1]!, /Pagina 2 di 3/);
  assert.match(text.text[2]!, /Pagina 3 di 3/);
  // The chart's axis title and labels are text in the PDF (vector, not an image).
  assert.match(text.text[1]!, /Settimana/);
  assert.match(text.text[1]!, /W44/);
});

test('the result names the file after the job, with its size, SHA-256, page count, type and language', async (t) => {
  const jobId = randomUUID();
  const { result, path } = await run(t, sampleFinancialRequest('ignored', 'en'), {}, jobId);
  const bytes = readFileSync(path);
  assert.equal(result.fileName, `${jobId}.pdf`);
  assert.equal(result.sizeBytes, bytes.length);
  assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(result.contentType, 'application/pdf');
  assert.equal(result.template, 'FINANCIAL');
  assert.equal(result.language, 'en');
  assert.ok(bytes.subarray(0, 5).toString() === '%PDF-');
});

test('the financial template writes amounts in the locale, growth with marks, and both charts', async (t) => {
  const it = await pdfText((await run(t, sampleFinancialRequest('x', 'it'))).path);
  assert.match(it.text[0]!, /REPORT FINANZIARIO/);
  assert.match(it.all, /Sintesi degli indicatori/);
  assert.match(it.all, /1\.234\.560,00\s€/, 'an Italian amount');
  assert.match(it.all, /1\.041,90\s€/, 'a four-digit Italian amount, grouped');
  assert.match(it.all, /Variazione rispetto al periodo precedente/);
  assert.match(it.all, /▲ \+6,1%/);
  assert.match(it.all, /▼ -1,6%/);
  assert.match(it.all, /\+2,9\sp\.p\./);
  assert.match(it.all, /n\.d\./);
  assert.match(it.all, /Ricavi per periodo/);
  assert.match(it.all, /Margine EBITDA, Margine netto per periodo/);
  assert.match(it.all, /Società Agricola Però/);
  const en = await pdfText((await run(t, sampleFinancialRequest('x', 'en'))).path);
  assert.match(en.all, /Key figures/);
  assert.ok(en.all.includes('€1,234,560.00'), 'an English amount');
  assert.match(en.all, /▲ \+6\.1%/);
  assert.match(en.all, /Page 2 of \d/);
});

test('an empty report renders a title page and a note', async (t) => {
  const request = { ...sampleDefaultRequest('x', 'en'), sections: [], title: '' };
  const { result, path } = await run(t, request);
  const text = await pdfText(path);
  assert.equal(result.pages, 2);
  assert.match(text.all, /This report has no content yet\./);
});

test('control characters and right-to-left marks never reach the page; a path-like title is only text', async (t) => {
  const request: ExportReportRequest = {
    ...sampleDefaultRequest('x', 'en'),
    title: '../../etc/passwd\u0000',
    sections: [
      {
        heading: '\u202eSummary\u202c',
        paragraphs: ['Bell\u0007 and \u200fmarks\u200e gone \u0000'],
        table: { columns: ['a\u0001'], rows: [['\u2067cell\u2069']] },
        charts: [],
      },
    ],
  };
  const { result, path, dir } = await run(t, request);
  const text = await pdfText(path);
  assert.match(text.text[0]!, /\.\.\/\.\.\/etc\/passwd/);
  assert.match(text.all, /Bell and marks gone/);
  // eslint-disable-next-line no-control-regex -- the test looks for control characters
  assert.doesNotMatch(text.all, /[\u0000-\u0008\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  assert.deepEqual(readdirSync(dir), [result.fileName]);
});

test('a rerun of the same job renders the same bytes into the same single file', async (t) => {
  const jobId = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'sedano-export-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const control = { signal: new AbortController().signal, progress: () => {} };
  const first = await exportReport(jobId, sampleFinancialRequest('x', 'it'), dependencies(dir), control);
  const second = await exportReport(jobId, sampleFinancialRequest('x', 'it'), dependencies(dir), control);
  assert.equal(second.sha256, first.sha256);
  assert.deepEqual(readdirSync(dir), [`${jobId}.pdf`]);
});

test('an unknown template fails at once with a code; so does a chart with mismatched series', async (t) => {
  const unknown = { ...sampleDefaultRequest('x', 'en'), template: 'INVOICE' as never };
  await assertCode(run(t, unknown), 'SEDANO_ERR_EXPORT_UNKNOWN_TEMPLATE');
  const request = sampleDefaultRequest('x', 'en');
  const chart = request.sections[0]!.charts[0]!;
  request.sections[0]!.charts[0] = { ...chart, series: [chart.series[0]!, { name: 'analysis', values: [1, 2] }] };
  await assert.rejects(
    run(t, request),
    /section 1 chart 1 \("Jobs per week"\): series "analysis" has 2 values for 5 categories/,
  );
});

test('an analysis job that is unknown or not finished fails at once with its code', async (t) => {
  const request = { ...sampleDefaultRequest('x', 'en'), analysisJobId: randomUUID() };
  await assertCode(run(t, request, { readJobResult: async () => undefined }), 'SEDANO_ERR_EXPORT_ANALYSIS_NOT_FOUND');
  await assertCode(
    run(t, request, { readJobResult: async () => ({ state: 'STARTED', result: null }) }),
    'SEDANO_ERR_EXPORT_ANALYSIS_NOT_FINISHED',
  );
});

test('a financial analysis becomes the financial template', async (t) => {
  const analysis = {
    kind: 'sedano.AnalysisResult',
    analysisType: 'FINANCIAL',
    failed: [],
    documents: [
      {
        documentId: 'relazione.pdf',
        language: 'it',
        sentiment: null,
        statistics: null,
        financial: {
          amounts: [],
          percentages: [],
          periods: ['2023', '2024'],
          metrics: [
            { name: 'Ricavi', value: 1234.56, unit: 'EUR', period: '2023' },
            { name: 'Ricavi', value: 1500, unit: 'EUR', period: '2024' },
            { name: 'Margine operativo', value: 12.5, unit: '%', period: '2024' },
          ],
        },
      },
    ],
  };
  const request: ExportReportRequest = {
    ...sampleDefaultRequest('x', 'en'),
    template: 'FINANCIAL',
    title: 'Analisi di bilancio',
    sections: [],
    language: null,
    analysisJobId: randomUUID(),
  };
  const { result, path } = await run(t, request, {
    readJobResult: async () => ({ state: 'SUCCESS', result: analysis }),
  });
  assert.equal(result.language, 'it');
  const text = await pdfText(path);
  // pdf.js extracts the no-break space before the euro sign as a plain space.
  assert.match(text.all, /1\.234,56\s€/);
  assert.match(text.all, /▲ \+21,5%/);
  assert.match(text.all, /Ricavi per periodo/);
  assert.match(text.all, /Documenti analizzati/);
  assert.match(text.all, /relazione\.pdf/);
});

test('10,000 table rows make many pages, with progress per page and the header row on every page', async (t) => {
  const request = sampleFinancialRequest('x', 'en', 10_000);
  const rssBefore = process.memoryUsage().rss;
  const { result, path, progress } = await run(t, request);
  const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  t.diagnostic(
    `${result.pages} pages, ${(result.sizeBytes / 2 ** 20).toFixed(1)} MiB, RSS grew ${rssGrowthMb.toFixed(0)} MiB`,
  );
  assert.ok(result.pages > 200, `${result.pages} pages`);
  const details = progress.flatMap((entry) => {
    const found = (entry.details as { 'sedano.ExportProgress'?: { phase: string; page: number; pages: number } })[
      'sedano.ExportProgress'
    ];
    return found === undefined ? [] : [found];
  });
  const laidOut = details.filter((entry) => entry.phase === 'layout' && entry.page > 0);
  const written = details.filter((entry) => entry.phase === 'writing' && entry.page > 0);
  assert.ok(laidOut.length >= result.pages - 1, `${laidOut.length} layout updates`);
  assert.ok(written.length >= result.pages - 1, `${written.length} writing updates`);
  assert.equal(written.at(-1)?.pages, result.pages);
  const currents = progress.map((entry) => entry.current);
  assert.deepEqual(
    currents,
    [...currents].sort((a, b) => a - b),
    'progress never goes back',
  );
  const text = await pdfPagesText(path, [result.pages]);
  assert.equal(text.pages, result.pages);
  const last = text.text.get(result.pages)!;
  assert.match(last, /Date\s+Invoice\s+Customer\s+Amount/, 'the header row repeats on the last page');
  assert.match(last, new RegExp(`Page ${result.pages} of ${result.pages}`));
  assert.match(last, /FT-10999/);
});

test('more rows than the limit fail as too large before rendering', async (t) => {
  const limits = { ...resolveExporterOptions().limits, maxTableRows: 100 };
  await assertCode(run(t, sampleFinancialRequest('x', 'en', 101), { limits }), 'SEDANO_ERR_EXPORT_TOO_LARGE');
});
