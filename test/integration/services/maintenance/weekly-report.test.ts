/**
 * The weekly report end to end: the week's figures read from real status and dead-letter
 * topics, submitted as an export job (default template) to an export stage running on a
 * sandbox's topics (the real stage runtime and its worker threads), which renders the PDF; the
 * PDF's text holds the figures that were seeded.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deadLetterRecordContract } from '../../../../schemas/dead-letter-record.ts';
import { exportReportRequestContract, type ExportReportRequest } from '../../../../schemas/export-report-request.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { resolveExporterOptions } from '../../../../services/exporter/exporter-options.ts';
import { createExporterStage } from '../../../../services/exporter/exporter-stage.ts';
import { validationProblems } from '../../../../services/lib/record-validation.ts';
import { jobHeader } from '../../../../services/lib/job-client.ts';
import { createWeeklyReport } from '../../../../services/maintenance/tasks/weekly-report.ts';
import { COMPATIBILITY_POLICIES, contractBindings } from '../../../../topology/contracts.ts';
import {
  createTestTopic,
  deleteSubjectAfter,
  endpoints,
  kafkaAdmin,
  kafkaClient,
  testNames,
  uniqueName,
} from '../../../support/resources.ts';
import { pdfPages, submitExport, tempDir } from '../exporter/export-fixtures.ts';
import { stageSandbox } from '../lib/runtime/stage-sandbox.ts';
import { schedulerSandbox } from '../scheduler/scheduler-harness.ts';
import { taskContext } from './task-context.ts';

const DAY = 86_400_000;

/** The week's status events: NOOP jobs (one seen twice), an EXPORT failure, and a job of the week before. */
function seededEvents(slot: number): JobStatusEvent[] {
  const base: JobStatusEvent = {
    jobId: '',
    jobType: 'NOOP',
    stage: 'NOOP',
    state: 'SUCCESS',
    sequence: 10,
    attempt: 1,
    progress: null,
    result: null,
    error: null,
    occurredAt: slot - DAY,
    submittedAt: slot - DAY - 5_000,
    startedAt: slot - DAY - 3_000,
    finishedAt: slot - DAY,
    nextAttemptAt: null,
    batchId: null,
    parentJobId: null,
    workerId: 'w',
    traceId: null,
    expiresAt: null,
    payloadPreview: null,
  };
  const events: JobStatusEvent[] = [
    // A job seen twice: only its newest event counts.
    { ...base, jobId: crypto.randomUUID(), state: 'STARTED', sequence: 1, finishedAt: null },
    { ...base, jobId: crypto.randomUUID() },
    {
      ...base,
      jobId: crypto.randomUUID(),
      state: 'FAILURE',
      error: { code: 'SEDANO_ERR_JOB_FAILED', type: 'E', message: 'm', retriable: false },
    },
    {
      ...base,
      jobId: crypto.randomUUID(),
      jobType: 'EXPORT_REPORT',
      stage: 'EXPORT',
      state: 'FAILURE',
      startedAt: slot - 2 * DAY - 7_000,
      finishedAt: slot - 2 * DAY,
      occurredAt: slot - 2 * DAY,
      error: { code: 'SEDANO_ERR_EXPORT_CHART_INVALID', type: 'E', message: 'm', retriable: false },
    },
    { ...base, jobId: crypto.randomUUID(), occurredAt: slot - 8 * DAY, finishedAt: slot - 8 * DAY }, // before the week
  ];
  events.push({ ...events[0]!, state: 'SUCCESS', sequence: 20, finishedAt: slot - DAY });
  return events;
}

/** An export stage on a sandbox's topics, writing its PDFs to a temporary directory. */
async function exportStage(t: Parameters<typeof stageSandbox>[0]) {
  const sandbox = await stageSandbox(t);
  const exportDir = tempDir(t, 'sedano-weekly-report-');
  const settings = {
    exportDir,
    limits: resolveExporterOptions().limits,
    redisUrl: endpoints().redisUrl,
    namespace: sandbox.keys.namespace,
  };
  await sandbox.start(
    createExporterStage(settings, { concurrency: 1, progressIntervalMs: 50 }),
    uniqueName('exporter'),
  );
  return sandbox;
}

test(
  'the weekly report reads the week from the status and dead-letter topics and its export job renders the PDF',
  { timeout: 240_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const exporter = await exportStage(t);
    const { valueSubject } = testNames();
    const statusBinding = contractBindings(testNames()).status;
    const admin = await kafkaAdmin(t);
    const deadLetterTopic = (await createTestTopic(t, admin, { prefix: 'test-dead-letter' })).name;
    deleteSubjectAfter(t, valueSubject(deadLetterTopic));
    const context = taskContext('WEEKLY_REPORT');
    const slot = context.request.slotTime;
    const binding = { ...statusBinding, subject: valueSubject(sandbox.statusTopic) };
    await sandbox.producer.send(
      sandbox.statusTopic,
      await Promise.all(seededEvents(slot).map((event) => sandbox.codec.toMessage(binding, event.jobId, event))),
    );
    const deadLetter = {
      sourceTopic: 't',
      sourcePartition: 0,
      sourceOffset: 1,
      consumerGroup: null,
      originalKey: null,
      originalValue: Buffer.from('x'),
      originalHeaders: [],
      reason: 'r',
      errorCode: 'SEDANO_ERR_CODEC_NOT_FRAMED',
      failedAt: slot - 2 * DAY,
      attempts: 0,
      jobId: null,
    };
    const dlBinding = {
      subject: valueSubject(deadLetterTopic),
      contract: deadLetterRecordContract,
      compatibility: COMPATIBILITY_POLICIES.deadLetter.level,
    };
    await sandbox.producer.send(deadLetterTopic, [
      { key: 'k', value: await sandbox.codec.encode(dlBinding, deadLetter) },
    ]);

    const submitted: ExportReportRequest[] = [];
    const report = createWeeklyReport({
      kafka: kafkaClient(),
      admin,
      codec: sandbox.codec,
      statusTopic: sandbox.statusTopic,
      deadLetterTopic,
      readerGroup: (purpose, runId) => `${uniqueName('test')}.ctl.${purpose}-${runId}`,
      // What the job client does, to the sandbox's export lane.
      submitExport: async (payload, key) => {
        const request = { ...payload, header: jobHeader('export', { idempotencyKey: key }, 'maintenance', Date.now()) };
        submitted.push(await submitExport(exporter, request));
        return request.header.jobId;
      },
    });
    const outcome = await report(context);
    assert.deepEqual(outcome.counts, { jobs: 4, failures: 2, deadLetters: 1, reports: 1 });
    assert.equal(submitted.length, 1);
    const [request] = submitted as [ExportReportRequest];
    const jobId = request.header.jobId;
    assert.match(outcome.summary, new RegExp(`weekly report job ${jobId}`));
    assert.equal(request.template, 'DEFAULT');
    assert.deepEqual(validationProblems(exportReportRequestContract, request), []);
    const perStage = request.sections.find((section) => section.heading === 'Jobs per stage and state');
    assert.deepEqual(perStage?.table?.rows, [
      ['EXPORT', '0', '0', '0', '0', '0', '1', '0'],
      ['NOOP', '0', '0', '0', '0', '2', '1', '0'],
    ]);

    await t.test('the export job ends SUCCESS with a PDF that holds the figures', async () => {
      const events = await exporter.eventsUntil(jobId, 'SUCCESS', 180_000);
      const result = events.find((event) => event.state === 'SUCCESS')?.result;
      assert.ok(result && 'sedano.ExportResult' in result, 'the job succeeded with an ExportResult');
      const { fileUri, sha256, pages } = result['sedano.ExportResult'];
      const bytes = readFileSync(fileURLToPath(fileUri));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), sha256);
      const parsed = await pdfPages(bytes);
      assert.equal(parsed.length, pages);
      const text = parsed.map((page) => page.text).join('\n');
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      for (const expected of [
        `sedano weekly report, ${day(slot - 7 * DAY)} to ${day(slot - 1)}`,
        'Jobs per stage and state',
        '4 jobs from',
        'NOOP',
        'EXPORT',
        'SUCCESS',
        'FAILURE',
        'Run times',
        '3.00',
        '7.00',
        'Top failure codes',
        'SEDANO_ERR_JOB_FAILED',
        'SEDANO_ERR_EXPORT_CHART_INVALID',
        'Dead letters',
        'SEDANO_ERR_CODEC_NOT_FRAMED',
        'Throughput per day',
        day(slot - DAY),
        day(slot - 2 * DAY),
      ]) {
        assert.ok(text.includes(expected), `the PDF says "${expected}"`);
      }
    });

    await t.test("again for the same slot: the same export job (its key is the slot's)", async () => {
      await report(context);
      assert.equal(submitted[1]?.header.jobId, jobId);
    });
  },
);
