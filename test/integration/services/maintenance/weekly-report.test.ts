/**
 * The weekly report from real status and dead-letter topics: the week's figures, submitted as
 * an export job (default template) whose request satisfies the export contract. Rendering the
 * PDF is the export stage's (not on this branch): the job is captured here, not run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadLetterRecordContract } from '../../../../schemas/dead-letter-record.ts';
import { exportReportRequestContract, type ExportReportRequest } from '../../../../schemas/export-report-request.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { validationProblems } from '../../../../services/lib/codec.ts';
import { jobHeader } from '../../../../services/lib/job-client.ts';
import { jobIdForKey } from '../../../../services/lib/job-ids.ts';
import { createWeeklyReport } from '../../../../services/maintenance/tasks/weekly-report.ts';
import { COMPATIBILITY_POLICIES, contractBindings } from '../../../../topology/contracts.ts';
import {
  createTestTopic,
  deleteSubjectAfter,
  kafkaAdmin,
  kafkaClient,
  testNames,
  uniqueName,
} from '../../../support/resources.ts';
import { schedulerSandbox } from '../scheduler/scheduler-harness.ts';
import { taskContext } from './task-context.ts';

test(
  'the weekly report reads the week from the status and dead-letter topics and submits one export job',
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const { valueSubject } = testNames();
    const statusBinding = contractBindings(testNames()).status;
    const admin = await kafkaAdmin(t);
    const deadLetterTopic = (await createTestTopic(t, admin, { prefix: 'test-dead-letter' })).name;
    deleteSubjectAfter(t, valueSubject(deadLetterTopic));
    const context = taskContext('WEEKLY_REPORT');
    const slot = context.request.slotTime;
    const day = 86_400_000;
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
      occurredAt: slot - day,
      submittedAt: slot - day - 5_000,
      startedAt: slot - day - 3_000,
      finishedAt: slot - day,
      nextAttemptAt: null,
      batchId: null,
      workerId: 'w',
      traceId: null,
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
      { ...base, jobId: crypto.randomUUID(), occurredAt: slot - 8 * day, finishedAt: slot - 8 * day }, // before the week
    ];
    events.push({ ...events[0]!, state: 'SUCCESS', sequence: 20, finishedAt: slot - day });
    const binding = { ...statusBinding, subject: valueSubject(sandbox.statusTopic) };
    await sandbox.producer.send(
      sandbox.statusTopic,
      await Promise.all(events.map((event) => sandbox.codec.toMessage(binding, event.jobId, event))),
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
      failedAt: slot - 2 * day,
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

    const submitted: { payload: Omit<ExportReportRequest, 'header'>; key: string }[] = [];
    const report = createWeeklyReport({
      kafka: kafkaClient(),
      admin,
      codec: sandbox.codec,
      statusTopic: sandbox.statusTopic,
      deadLetterTopic,
      readerGroup: (purpose, runId) => `${uniqueName('test')}.ctl.${purpose}-${runId}`,
      submitExport: async (payload, key) => {
        submitted.push({ payload, key });
        return jobIdForKey(key);
      },
    });
    const outcome = await report(context);
    assert.deepEqual(outcome.counts, { jobs: 3, failures: 1, deadLetters: 1, reports: 1 });
    assert.equal(submitted.length, 1);
    const [{ payload, key }] = submitted as [(typeof submitted)[0]];
    assert.match(outcome.summary, new RegExp(`weekly report job ${jobIdForKey(key)}`));
    assert.equal(payload.template, 'DEFAULT');
    const request: ExportReportRequest = {
      ...payload,
      header: jobHeader('export', { idempotencyKey: key }, 'maintenance', Date.now()),
    };
    assert.deepEqual(validationProblems(exportReportRequestContract, request), []);
    const perStage = payload.sections.find((section) => section.heading === 'Jobs per stage and state');
    assert.deepEqual(perStage?.table?.rows, [['NOOP', '0', '0', '0', '0', '2', '1', '0']]);
    // Again for the same slot: the same export job (its key is the slot's).
    await report(context);
    assert.equal(submitted[1]?.key, key);
  },
);
