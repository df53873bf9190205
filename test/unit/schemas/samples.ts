/**
 * One realistic record per top-level contract, typed with the generated interfaces: tsc checks
 * that the interfaces describe these records, and the contract tests check that avsc encodes
 * and decodes them unchanged.
 */
import type { AnalyzeDocumentsRequest } from '../../../schemas/analyze-documents-request.ts';
import type { BatchDeclaration } from '../../../schemas/batch-declaration.ts';
import type { ControlCommand } from '../../../schemas/control-command.ts';
import type { DeadLetterRecord } from '../../../schemas/dead-letter-record.ts';
import type { ExportReportRequest } from '../../../schemas/export-report-request.ts';
import type { IndexDocumentsRequest } from '../../../schemas/index-documents-request.ts';
import type { JobHeader } from '../../../schemas/job-header.ts';
import type { JobStatusEvent } from '../../../schemas/job-status-event.ts';
import type { MaintenanceRequest } from '../../../schemas/maintenance-request.ts';
import type { NoopRequest } from '../../../schemas/noop-request.ts';
import type { TrainModelRequest } from '../../../schemas/train-model-request.ts';

const submittedAt = Date.UTC(2025, 2, 14, 9, 30, 0);

function header(jobId: string, jobType: JobHeader['jobType']): JobHeader {
  return {
    jobId,
    jobType,
    priority: 'NORMAL',
    batchId: null,
    parentJobId: null,
    idempotencyKey: null,
    submittedAt,
    submitter: 'rag-api',
    retryPolicy: null,
    softTimeLimitMs: null,
    hardTimeLimitMs: null,
    expiresAt: null,
  };
}

export const indexDocumentsRequestSample: IndexDocumentsRequest = {
  header: {
    ...header('3f0e8a52-8c1d-4a47-9a4e-2f6d1b7c9e01', 'INDEX_DOCUMENTS'),
    priority: 'HIGH',
    batchId: 'b7a1c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    idempotencyKey: 'upload-2025-03-14-0042',
    retryPolicy: { maxAttempts: 5, initialBackoffMs: 2_000, maxBackoffMs: 300_000, backoffMultiplier: null },
    softTimeLimitMs: 1_500_000,
    hardTimeLimitMs: 1_800_000,
    expiresAt: 1_742_083_200_000,
  },
  collection: 'contracts-2025',
  documents: [
    {
      documentId: 'bilancio-2024',
      uri: 'uploads/finance/bilancio-2024.pdf',
      contentType: 'application/pdf',
      metadata: { department: 'finance', confidentiality: 'internal' },
    },
    { documentId: null, uri: 's3://sedano-docs/kpi/q4-2024.xlsx', contentType: null, metadata: {} },
  ],
  chunkSize: 1_000,
  chunkOverlap: 200,
};

export const analyzeDocumentsRequestSample: AnalyzeDocumentsRequest = {
  header: header('5c2d7e91-0b3a-4f6e-8d2c-1a9b8c7d6e5f', 'ANALYZE_DOCUMENTS'),
  documentIds: ['bilancio-2024'],
  documents: [{ documentId: null, uri: 'uploads/reviews/feedback.md', contentType: 'text/markdown', metadata: {} }],
  analysisType: 'FINANCIAL',
  language: 'it',
  modelId: null,
  collection: null,
};

export const trainModelRequestSample: TrainModelRequest = {
  header: { ...header('9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'TRAIN_MODEL'), priority: 'LOW' },
  modelType: 'text-classifier',
  modelName: 'ticket-routing',
  examples: [
    { text: 'Il pagamento della fattura è in ritardo', label: 'billing' },
    { text: 'The app crashes when I upload a PDF', label: 'bug' },
  ],
  datasetUri: 'datasets/tickets-2024.jsonl',
  epochs: 20,
  validationSplit: 0.2,
  hyperParameters: {
    learningRate: 0.005,
    batchSize: 64,
    l2Regularization: 0.0001,
    seed: 42,
    hiddenUnits: 64,
    earlyStoppingPatience: 3,
    balanceClasses: true,
  },
};

export const exportReportRequestSample: ExportReportRequest = {
  header: header('0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a', 'EXPORT_REPORT'),
  template: 'FINANCIAL',
  title: 'Risultati Q4 2024',
  sections: [
    {
      heading: 'Sintesi',
      paragraphs: ['Ricavi in crescita del 12,5% rispetto al 2023.'],
      table: {
        columns: ['Metrica', '2023', '2024'],
        rows: [
          ['Ricavi (EUR)', '1.200.000', '1.350.000'],
          ['Margine', '18%', '21%'],
        ],
      },
      charts: [
        {
          kind: 'BAR',
          title: 'Ricavi',
          categories: ['2023', '2024'],
          series: [{ name: 'Ricavi', values: [1_200_000, 1_350_000] }],
          xAxisLabel: 'Anno',
          yAxisLabel: 'EUR',
          valueFormat: 'CURRENCY',
        },
      ],
    },
    { heading: 'Note', paragraphs: [], table: null, charts: [] },
  ],
  analysisJobId: null,
  language: 'it',
  financials: {
    currency: 'EUR',
    periods: ['2023', '2024'],
    kpis: [
      { name: 'Ricavi', format: 'CURRENCY', values: [1_200_000, 1_350_000], missing: [], chart: 'BAR' },
      { name: 'Margine EBITDA', format: 'PERCENT', values: [18, 0], missing: [1], chart: 'LINE' },
    ],
  },
};

export const noopRequestSample: NoopRequest = {
  header: header('7e6d5c4b-3a2f-4e1d-9c0b-a9f8e7d6c5b4', 'NOOP'),
  sleepMs: 250,
  cpuSpinMs: 50,
  failureRate: 0.1,
  payload: 'benchmark run 17',
};

export const jobStatusEventSample: JobStatusEvent = {
  jobId: '3f0e8a52-8c1d-4a47-9a4e-2f6d1b7c9e01',
  jobType: 'INDEX_DOCUMENTS',
  stage: 'INDEXING',
  state: 'SUCCESS',
  sequence: 7,
  attempt: 2,
  progress: {
    current: 2,
    total: 2,
    percent: 100,
    message: 'indexed 2 of 2 documents',
    details: {
      'sedano.IndexingProgress': {
        currentDocument: null,
        documentsDone: 2,
        documentsTotal: 2,
        chunksWritten: 148,
      },
    },
  },
  result: {
    'sedano.IndexingResult': {
      collection: 'contracts-2025',
      indexed: [
        {
          documentId: 'bilancio-2024',
          source: 'uploads/finance/bilancio-2024.pdf',
          chunks: 148,
          contentHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        },
      ],
      unchanged: [],
      failed: [
        {
          source: 's3://sedano-docs/kpi/q4-2024.xlsx',
          code: 'SEDANO_ERR_INDEXING_UNREADABLE',
          reason: 'the workbook is password-protected',
        },
      ],
      chunksWritten: 148,
      indexedOmitted: 0,
      unchangedOmitted: 0,
      failedOmitted: 0,
    },
  },
  error: null,
  occurredAt: submittedAt + 95_000,
  submittedAt,
  startedAt: submittedAt + 60_000,
  finishedAt: submittedAt + 95_000,
  nextAttemptAt: null,
  batchId: 'b7a1c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  parentJobId: null,
  workerId: 'indexing-worker-2/4711',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  expiresAt: null,
  payloadPreview: '{"collection":"contracts-2025","documents":[{"documentId":"doc-0042"}]}',
};

/** A RETRY event of a training job: another branch of each multi-record union. */
export const jobStatusEventRetrySample: JobStatusEvent = {
  ...jobStatusEventSample,
  jobId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  jobType: 'TRAIN_MODEL',
  stage: 'TRAINING',
  state: 'RETRY',
  sequence: 12,
  attempt: 1,
  progress: {
    current: 3,
    total: 20,
    percent: 15,
    message: null,
    details: {
      'sedano.TrainingProgress': {
        epoch: 3,
        epochs: 20,
        loss: 0.412,
        accuracy: null,
        validationLoss: 0.5,
        validationAccuracy: 0.81,
      },
    },
  },
  result: null,
  error: {
    code: 'SEDANO_ERR_STAGE_TIME_LIMIT',
    type: 'TimeLimitError',
    message: 'the soft time limit of 1500000 ms was reached',
    retriable: true,
  },
  finishedAt: null,
  nextAttemptAt: submittedAt + 125_000,
  batchId: null,
};

export const maintenanceRequestSample: MaintenanceRequest = {
  jobId: 'c4d5e6f7-a8b9-4c0d-8e1f-2a3b4c5d6e7f',
  task: 'BACKUP',
  scheduleName: 'backup',
  slotTime: Date.UTC(2025, 2, 15, 2, 0, 0),
  idempotencyKey: 'backup@2025-03-15T02:00:00.000Z',
  requestedAt: Date.UTC(2025, 2, 15, 2, 0, 0, 12),
  expiresAt: Date.UTC(2025, 2, 16, 2, 0, 0),
};

export const controlCommandSample: ControlCommand = {
  commandId: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
  command: 'REVOKE',
  jobId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  stage: null,
  reason: 'submitted with the wrong dataset',
  requester: 'ops@example.com',
  issuedAt: submittedAt + 30_000,
};

export const deadLetterRecordSample: DeadLetterRecord = {
  sourceTopic: 'sedano.jobs.indexing.normal',
  sourcePartition: 3,
  sourceOffset: 18_446,
  consumerGroup: 'sedano.indexing',
  originalKey: Buffer.from('3f0e8a52-8c1d-4a47-9a4e-2f6d1b7c9e01'),
  originalValue: Buffer.from([0, 0, 0, 0, 42, 0xff, 0xfe]),
  originalHeaders: [
    { key: 'traceparent', value: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') },
    { key: 'x-empty', value: null },
  ],
  reason: 'the value does not decode with schema id 42',
  errorCode: 'SEDANO_ERR_CODEC_UNDECODABLE',
  failedAt: submittedAt + 1_000,
  attempts: 0,
  jobId: null,
};

/** A batch of three jobs whose follow-up is an export (its request and PENDING encoded at submission). */
export const batchDeclarationSample: BatchDeclaration = {
  batchId: 'b7a1c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  size: 3,
  submittedAt,
  submitter: 'rag-api',
  followUp: {
    jobId: '2c3d4e5f-6a7b-5c8d-9e0f-1a2b3c4d5e6f',
    stage: 'export',
    topic: 'sedano.jobs.export.normal',
    request: Buffer.from([0, 0, 0, 0, 7, 0x48, 0x32]),
    requestHeaders: [
      { key: 'traceparent', value: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') },
    ],
    pending: Buffer.from([0, 0, 0, 0, 3, 0x48, 0x00]),
  },
};

/** A batch without a follow-up. */
export const batchDeclarationWithoutFollowUpSample: BatchDeclaration = {
  ...batchDeclarationSample,
  batchId: '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f',
  size: 1,
  followUp: null,
};

/** A noop job's status event with nothing optional set: a test names the state, times and ids it needs. */
export function noopStatusEvent(fields: Partial<JobStatusEvent>): JobStatusEvent {
  return {
    jobId: crypto.randomUUID(),
    jobType: 'NOOP',
    stage: 'NOOP',
    state: 'SUCCESS',
    sequence: 1,
    attempt: 1,
    progress: null,
    result: null,
    error: null,
    occurredAt: 0,
    submittedAt: null,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    batchId: null,
    parentJobId: null,
    workerId: null,
    traceId: null,
    expiresAt: null,
    payloadPreview: null,
    ...fields,
  };
}
