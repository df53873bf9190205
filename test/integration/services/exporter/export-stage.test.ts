/**
 * The export stage end to end on the real stack: jobs on a sandbox's Kafka topics, the stage
 * runtime with its worker threads, the real Redis (ledger, status view), reports written to a
 * temporary directory and downloaded through the gateway's real route.
 *
 * - Each template renders: the PDF's text has the title, table cells, accented words and the
 *   euro sign; the page count is the result's; a chart's page draws vector paths; the file's
 *   checksum is the result's; the download returns the same bytes (ETag, 304, 404 before).
 * - A report from an analysis job in the view becomes the financial template.
 * - A chart with mismatched series fails at once with its code.
 * - An exporter process SIGKILLed mid-job leaves no file, and the rerun writes exactly one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExportReportRequest } from '../../../../schemas/export-report-request.ts';
import type { ExportResult } from '../../../../schemas/export-result.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { createExporterStage } from '../../../../services/exporter/exporter-stage.ts';
import { resolveExporterOptions } from '../../../../services/exporter/exporter-options.ts';
import type { ExporterThreadSettings } from '../../../../services/exporter/settings.ts';
import { sampleDefaultRequest, sampleFinancialRequest } from '../../../../services/exporter/sample-reports.ts';
import { createLocalDirectoryStorage } from '../../../../services/exporter/storage/local-directory-storage.ts';
import { endpoints, redisClient, uniqueName } from '../../../support/resources.ts';
import { startStageWorkerProcess } from '../../../support/stage-worker-process.ts';
import { waitFor } from '../../../support/wait.ts';
import { startGateway, TOKENS } from '../gateway/gateway-harness.ts';
import { stageSandbox } from '../lib/runtime/stage-sandbox.ts';
import { pdfPages, submitExport, tempDir } from './export-fixtures.ts';

const EXPORTER_WORKER = new URL('exporter-worker.ts', import.meta.url).pathname;

function resultOf(events: JobStatusEvent[]): ExportResult {
  const result = events.find((event) => event.state === 'SUCCESS')?.result;
  assert.ok(result && 'sedano.ExportResult' in result, 'the job succeeded with an ExportResult');
  return result['sedano.ExportResult'];
}

/** The threads' settings: reports in `exportDir`, analysis results from the view of `namespace`. */
function threadSettings(exportDir: string, namespace: string): ExporterThreadSettings {
  return { exportDir, limits: resolveExporterOptions().limits, redisUrl: endpoints().redisUrl, namespace };
}

function withJobId(request: ExportReportRequest): ExportReportRequest {
  return { ...request, header: { ...request.header, jobId: randomUUID(), submittedAt: Date.now() } };
}

test(
  'each template renders, is stored with its checksum and downloads through the gateway',
  { timeout: 240_000 },
  async (t) => {
    const exportDir = tempDir(t, 'sedano-exports-');
    const gateway = await startGateway(t, { exports: { storage: createLocalDirectoryStorage(exportDir) } });
    const sandbox = gateway.sandbox;
    const { redis } = redisClient(t);
    const settings = threadSettings(exportDir, gateway.viewNamespace);
    const stage = createExporterStage(settings, { concurrency: 2, progressIntervalMs: 50 });
    await sandbox.start(stage, uniqueName('exporter'), { redis });

    const byDefault = await submitExport(sandbox, withJobId(sampleDefaultRequest('x', 'it')));
    const financial = await submitExport(sandbox, withJobId(sampleFinancialRequest('x', 'en')));
    const defaultEvents = await sandbox.eventsUntil(byDefault.header.jobId, 'SUCCESS', 120_000);
    const financialEvents = await sandbox.eventsUntil(financial.header.jobId, 'SUCCESS', 120_000);

    await t.test('the default template: title, cells, accents, euro sign, page count, a vector chart', async () => {
      const result = resultOf(defaultEvents);
      const bytes = readFileSync(fileURLToPath(result.fileUri));
      assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(result.sizeBytes, bytes.length);
      assert.equal(result.fileName, `${byDefault.header.jobId}.pdf`);
      const pages = await pdfPages(bytes);
      assert.equal(pages.length, result.pages);
      assert.equal(result.pages, 3);
      const all = pages.map((page) => page.text).join('\n');
      assert.match(pages[0]!.text, /Stato della piattaforma — novembre/);
      assert.match(all, /12\.480/);
      assert.match(all, /più documenti che mai/);
      assert.match(all, /Affidabilità/);
      assert.match(all, /0,42\s€/);
      assert.ok(pages[1]!.paths > 10, `page 2 draws ${pages[1]!.paths} paths (the chart)`);
    });

    await t.test('the financial template: amounts in the locale, growth marks, both charts', async () => {
      const result = resultOf(financialEvents);
      const bytes = readFileSync(fileURLToPath(result.fileUri));
      assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
      const pages = await pdfPages(bytes);
      assert.equal(pages.length, result.pages);
      const all = pages.map((page) => page.text).join('\n');
      assert.match(all, /Quarterly results 2025 — Però S\.p\.A\./);
      assert.match(all, /€1,234,560\.00/);
      assert.match(all, /▲/);
      assert.match(all, /Revenue by period/);
      assert.match(all, /Società Agricola Però/);
      const chartPages = pages.filter((page) => /by period/.test(page.text));
      assert.ok(
        chartPages.every((page) => page.paths > 10),
        'the chart pages draw vector paths',
      );
    });

    await t.test('progress moves through the rendering phases with ExportProgress details', () => {
      const progress = defaultEvents.flatMap((event) => (event.progress ? [event.progress] : []));
      assert.ok(progress.length >= 2, `${progress.length} PROGRESS events`);
      const percents = progress.map((entry) => entry.percent);
      assert.deepEqual(
        percents,
        [...percents].sort((a, b) => a - b),
        'the percent never goes back',
      );
      const phases = progress.flatMap((entry) =>
        entry.details && 'sedano.ExportProgress' in entry.details ? [entry.details['sedano.ExportProgress'].phase] : [],
      );
      assert.ok(phases.includes('content') || phases.includes('charts'), phases.join(','));
    });

    await t.test('the download returns the same bytes with its headers; 304 on a matching ETag', async () => {
      const result = resultOf(defaultEvents);
      const response = await waitFor(
        async () => {
          const reply = await gateway.call('GET', `/v1/exports/${byDefault.header.jobId}`, { token: 'reader' });
          if (reply.status === 200) return reply;
          await reply.body?.cancel();
          return false;
        },
        { description: 'the export in the view' },
      );
      assert.equal(response.headers.get('content-type'), 'application/pdf');
      assert.equal(response.headers.get('etag'), `"${result.sha256}"`);
      assert.equal(response.headers.get('content-length'), String(result.sizeBytes));
      assert.equal(response.headers.get('content-disposition'), `attachment; filename="${byDefault.header.jobId}.pdf"`);
      const body = Buffer.from(await response.arrayBuffer());
      assert.ok(body.equals(readFileSync(fileURLToPath(result.fileUri))), 'the same bytes');
      const cached = await gateway.call('GET', `/v1/exports/${byDefault.header.jobId}`, {
        token: 'reader',
        headers: { 'if-none-match': `"${result.sha256}"` },
      });
      assert.equal(cached.status, 304);
    });

    await t.test('ctl exports get writes the same bytes to the file it is given', async () => {
      const result = resultOf(defaultEvents);
      const output = join(exportDir, 'downloads', 'report.pdf');
      const ctl = new URL('../../../../scripts/ctl.ts', import.meta.url).pathname;
      const { stdout } = await promisify(execFile)(process.execPath, [
        ctl,
        'exports',
        'get',
        byDefault.header.jobId,
        '-o',
        output,
        '--url',
        gateway.baseUrl,
        '--token',
        TOKENS.reader.token,
      ]);
      assert.match(
        stdout,
        new RegExp(`written .*report\\.pdf \\(${result.sizeBytes} bytes, sha256 ${result.sha256}\\)`),
      );
      assert.ok(readFileSync(output).equals(readFileSync(fileURLToPath(result.fileUri))));
    });

    await t.test('a job the view does not know, or that has not succeeded, is a 404', async () => {
      const unknown = await gateway.call('GET', `/v1/exports/${randomUUID()}`, { token: 'reader' });
      assert.equal(unknown.status, 404);
      assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'SEDANO_ERR_API_NOT_FOUND');
    });

    await t.test('a chart with mismatched series fails at once with its code, and downloads nothing', async () => {
      const request = withJobId(sampleDefaultRequest('x', 'en'));
      const chart = request.sections[0]!.charts[0]!;
      request.sections[0]!.charts[0] = { ...chart, series: [{ name: 'short', values: [1] }] };
      await submitExport(sandbox, request);
      const events = await sandbox.eventsUntil(request.header.jobId, 'FAILURE', 60_000);
      const failure = events.find((event) => event.state === 'FAILURE');
      assert.equal(events.filter((event) => event.state === 'RETRY').length, 0, 'not retried');
      assert.match(failure?.error?.message ?? '', /series "short" has 1 values for 5 categories/);
      assert.match(JSON.stringify(failure?.error), /SEDANO_ERR_EXPORT_CHART_INVALID/);
      const response = await waitFor(
        async () => {
          const reply = await gateway.call('GET', `/v1/exports/${request.header.jobId}`, { token: 'reader' });
          const body = (await reply.json()) as { error: { message: string } };
          return reply.status === 404 && /FAILURE/.test(body.error.message) && reply;
        },
        { description: 'the failed export in the view' },
      );
      assert.equal(response.status, 404);
    });

    await t.test("an analysis job's result becomes a financial report", async () => {
      const analysisJobId = randomUUID();
      const now = Date.now();
      await gateway.view.apply({
        jobId: analysisJobId,
        jobType: 'ANALYZE_DOCUMENTS',
        stage: 'ANALYSIS',
        state: 'SUCCESS',
        sequence: 1,
        attempt: 1,
        progress: null,
        result: {
          'sedano.AnalysisResult': {
            analysisType: 'FINANCIAL',
            failed: [],
            failedOmitted: 0,
            documents: [
              {
                documentId: 'relazione-2024.pdf',
                language: 'it',
                sentiment: null,
                statistics: null,
                source: 'relazione-2024.pdf',
                languages: ['it'],
                financial: {
                  numberFormat: null,
                  amounts: [],
                  amountsOmitted: 0,
                  percentages: [],
                  percentagesOmitted: 0,
                  metricsOmitted: 0,
                  periods: ['2023', '2024'],
                  metrics: [
                    {
                      name: 'Ricavi',
                      value: 1234.56,
                      unit: 'EUR',
                      period: '2023',
                      formula: null,
                      inputs: [],
                      provenance: [],
                    },
                    {
                      name: 'Ricavi',
                      value: 1500,
                      unit: 'EUR',
                      period: '2024',
                      formula: null,
                      inputs: [],
                      provenance: [],
                    },
                    {
                      name: 'Margine operativo',
                      value: 12.5,
                      unit: '%',
                      period: '2024',
                      formula: null,
                      inputs: [],
                      provenance: [],
                    },
                  ],
                },
              },
            ],
          },
        },
        error: null,
        occurredAt: now,
        submittedAt: now,
        startedAt: now,
        finishedAt: now,
        nextAttemptAt: null,
        batchId: null,
        parentJobId: null,
        workerId: null,
        traceId: null,
        expiresAt: null,
        payloadPreview: null,
      });
      const request = withJobId({
        ...sampleDefaultRequest('x', 'en'),
        template: 'FINANCIAL',
        title: 'Analisi di bilancio 2024',
        sections: [],
        language: null,
        analysisJobId,
      });
      await submitExport(sandbox, request);
      const result = resultOf(await sandbox.eventsUntil(request.header.jobId, 'SUCCESS', 60_000));
      assert.equal(result.language, 'it');
      const all = (await pdfPages(readFileSync(fileURLToPath(result.fileUri)))).map((page) => page.text).join('\n');
      assert.match(all, /1\.234,56\s€/);
      assert.match(all, /Ricavi per periodo/);
      assert.match(all, /relazione-2024\.pdf/);
    });

    await t.test('an unknown analysis job fails at once with its code', async () => {
      const request = withJobId({ ...sampleDefaultRequest('x', 'en'), analysisJobId: randomUUID() });
      await submitExport(sandbox, request);
      const events = await sandbox.eventsUntil(request.header.jobId, 'FAILURE', 60_000);
      assert.match(JSON.stringify(events.at(-1)?.error), /SEDANO_ERR_EXPORT_ANALYSIS_NOT_FOUND/);
    });
  },
);

test(
  'an exporter SIGKILLed mid-job leaves no file, and the rerun writes exactly one',
  { timeout: 300_000 },
  async (t) => {
    const exportDir = tempDir(t, 'sedano-exports-kill-');
    const sandbox = await stageSandbox(t);
    const { keys } = redisClient(t);
    const settings = threadSettings(exportDir, keys.namespace);
    const startWorker = () =>
      startStageWorkerProcess(t, EXPORTER_WORKER, {
        topics: sandbox.topics,
        workerId: uniqueName('exporter'),
        redisNamespace: keys.namespace,
        extra: settings,
      });

    const first = await startWorker();
    // A long report: laying out its pages takes seconds, so the kill lands mid-job.
    const job = await submitExport(sandbox, withJobId(sampleFinancialRequest('x', 'it', 6_000)));
    await waitFor(async () => (await sandbox.events(job.header.jobId)).some((event) => event.state === 'PROGRESS'), {
      description: 'the job under way',
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const afterKill = readdirSync(exportDir);
    assert.ok(!afterKill.includes(`${job.header.jobId}.pdf`), `no file after the kill: ${afterKill.join(', ')}`);
    assert.deepEqual(
      afterKill.filter((name) => !name.startsWith('.partial-')),
      [],
      'nothing but a hidden partial file, at most',
    );
    assert.ok(
      !(await sandbox.events(job.header.jobId)).some((event) => event.state === 'SUCCESS'),
      'killed before it ended',
    );

    await startWorker();
    const result = resultOf(await sandbox.eventsUntil(job.header.jobId, 'SUCCESS', 240_000));
    const files = readdirSync(exportDir).filter((name) => !name.startsWith('.partial-'));
    assert.deepEqual(files, [`${job.header.jobId}.pdf`]);
    const bytes = readFileSync(join(exportDir, files[0]!));
    assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
    t.diagnostic(
      `the rerun wrote ${result.pages} pages, ${bytes.length} bytes; left after the kill: ${afterKill.length} file(s)`,
    );
  },
);
