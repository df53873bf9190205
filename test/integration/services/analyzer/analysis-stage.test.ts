/**
 * The analysis stage end to end on the real stack: jobs on a sandbox's Kafka topics, the stage
 * runtime with its worker threads, the real Redis ledger, and LanceDB in a temp dir holding the
 * bundled samples, indexed first with the hashing embedder.
 *
 * - A financial job over indexed samples (Italian PDF, English DOCX, Italian XLSX, English CSV)
 *   and one corrupt reference reaches SUCCESS with the expected amounts, periods, growth and
 *   margins; the corrupt document and an unknown id are listed under `failed` with their codes.
 * - A sentiment job and a comprehensive job over references (feedback in both languages, the
 *   results PDF) reach SUCCESS with the expected labels, statistics and entities.
 * - A job naming an unknown model fails at once with SEDANO_ERR_MODEL_NOT_FOUND.
 * - A comprehensive job over twelve large annual reports reaches SUCCESS: its detail lists are
 *   cut to the result's size budget and counted, every document listed.
 * - A revoke while a long job runs stops it between documents: REVOKED, never SUCCESS, and
 *   its last progress counted fewer documents than the job had.
 * - The gateway takes an analysis job and serves its result.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import type { AnalysisResult } from '../../../../schemas/analysis-result.ts';
import {
  analyzeDocumentsRequestContract,
  type AnalyzeDocumentsRequest,
} from '../../../../schemas/analyze-documents-request.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { ANALYSIS_SAMPLES } from '../../../../scripts/generate-analysis-samples.ts';
import { createAnalyzerStage } from '../../../../services/analyzer/analyzer-stage.ts';
import type { AnalyzerThreadSettings } from '../../../../services/analyzer/settings.ts';
import { resolveDocumentLimits } from '../../../../services/indexer/documents/limits.ts';
import { createHashingEmbedder } from '../../../../services/indexer/embedding/hashing.ts';
import { indexDocuments } from '../../../../services/indexer/index-documents.ts';
import { DEFAULT_DOCUMENT_ROOT } from '../../../../services/indexer/settings.ts';
import { openLanceDbVectorStore } from '../../../../services/indexer/vector-store/lancedb.ts';
import type { SubjectBinding } from '../../../../services/lib/codec.ts';
import { newJobId } from '../../../../services/lib/job-ids.ts';
import { startStageRuntime } from '../../../../services/lib/runtime/stage-runtime.ts';
import type { JobView } from '../../../../services/lib/status-view.ts';
import { endpoints, kafkaClient, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { startGateway } from '../gateway/gateway-harness.ts';
import { stageSandbox } from '../lib/runtime/stage-sandbox.ts';
import { type TrainModelRequest, trainModelRequestContract } from '../../../../schemas/train-model-request.ts';
import { createTrainerStage } from '../../../../services/trainer/trainer-stage.ts';
import { resolveTrainerOptions } from '../../../../services/trainer/trainer-options.ts';
import { HELD_OUT, trainingRequest } from '../../../unit/services/trainer/training-fixtures.ts';
import { annualReportPages } from '../../../unit/services/analyzer/annual-report-fixture.ts';

type Sandbox = Awaited<ReturnType<typeof stageSandbox>>;

const INDEXED = ['it-results.pdf', 'en-results.docx', 'it-kpi.xlsx', 'en-kpi.csv'] as const;

function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const reference = (uri: string): AnalyzeDocumentsRequest['documents'][number] => ({
  documentId: null,
  uri,
  contentType: null,
  metadata: {},
});

/** Indexes the samples into a fresh collection of a LanceDB in `dataDir`, as the indexing stage would. */
async function indexSamples(t: TestContext, dataDir: string, collection: string): Promise<void> {
  const store = await openLanceDbVectorStore({ dataDir });
  onCleanup(t, async () => {
    await store.dropCollection(collection);
    await store.close();
  });
  const result = await indexDocuments(
    { collection, documents: INDEXED.map(reference), chunkSize: null, chunkOverlap: null },
    {
      store,
      embedder: createHashingEmbedder(),
      documentRoots: [DEFAULT_DOCUMENT_ROOT],
      limits: resolveDocumentLimits(),
    },
    { signal: new AbortController().signal, progress: () => {} },
  );
  assert.deepEqual(result.failed, []);
}

/** Starts the analysis stage on the sandbox's topics, its threads reading `settings`. */
/** The analyzer's thread settings: documents and store as given, models (none trained here) in the sandbox's namespace. */
type DocumentSettings = Pick<
  AnalyzerThreadSettings,
  'documentRoots' | 'store' | 'defaultCollection' | 'maxDocumentChars'
>;

async function startAnalyzer(t: TestContext, sandbox: Sandbox, documents: DocumentSettings, modelDir?: string) {
  const settings: AnalyzerThreadSettings = {
    ...documents,
    modelDir: modelDir ?? tempDir(t, 'sedano-analysis-models-'),
    redisUrl: endpoints().redisUrl,
    namespace: sandbox.keys.namespace,
    embedder: { kind: 'hashing', dimension: 384 },
  };
  return sandbox.start(
    createAnalyzerStage(settings, { concurrency: 2, progressIntervalMs: 50 }),
    uniqueName('analyzer'),
  );
}

/** Produces an analysis job to the sandbox's normal lane. */
async function submitAnalysis(
  sandbox: Sandbox,
  fields: Pick<AnalyzeDocumentsRequest, 'analysisType'> & Partial<AnalyzeDocumentsRequest>,
): Promise<AnalyzeDocumentsRequest> {
  const lane = sandbox.topics.lanes[1] ?? '';
  const binding: SubjectBinding<AnalyzeDocumentsRequest> = {
    subject: sandbox.names.valueSubject(lane),
    contract: analyzeDocumentsRequestContract,
    compatibility: 'FULL_TRANSITIVE',
  };
  const job: AnalyzeDocumentsRequest = {
    documentIds: [],
    documents: [],
    language: null,
    modelId: null,
    collection: null,
    ...fields,
    header: {
      jobId: newJobId(),
      jobType: 'ANALYZE_DOCUMENTS',
      priority: 'NORMAL',
      batchId: null,
      parentJobId: null,
      idempotencyKey: null,
      submittedAt: Date.now(),
      submitter: 'analysis-stage-test',
      retryPolicy: null,
      softTimeLimitMs: null,
      hardTimeLimitMs: null,
      expiresAt: null,
    },
  };
  await sandbox.producer.send(lane, [await sandbox.codec.toMessage(binding, job.header.jobId, job)]);
  return job;
}

function resultOf(events: JobStatusEvent[]): AnalysisResult {
  const result = events.find((event) => event.state === 'SUCCESS')?.result;
  assert.ok(result && 'sedano.AnalysisResult' in result, 'the job succeeded with an AnalysisResult');
  return result['sedano.AnalysisResult'];
}

const metricsOf = (analysis: AnalysisResult['documents'][number] | undefined) =>
  Object.fromEntries(analysis?.financial?.metrics.map((m) => [`${m.name}[${m.period}]`, m]) ?? []);

test(
  'financial, sentiment and comprehensive jobs over the samples reach SUCCESS with what they hold',
  { timeout: 180_000 },
  async (t) => {
    const sandbox = await stageSandbox(t);
    const dataDir = tempDir(t, 'sedano-analysis-data-');
    const root = tempDir(t, 'sedano-analysis-docs-');
    writeFileSync(join(root, 'corrupt.pdf'), '%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated');
    const collection = uniqueName('test-analysis');
    await indexSamples(t, dataDir, collection);
    await startAnalyzer(t, sandbox, {
      documentRoots: [DEFAULT_DOCUMENT_ROOT, root],
      store: { dataDir },
      defaultCollection: collection,
      maxDocumentChars: 1_000_000,
    });

    const financial = await submitAnalysis(sandbox, {
      analysisType: 'FINANCIAL',
      documentIds: [...INDEXED, 'never-indexed.pdf'],
      documents: [reference('corrupt.pdf')],
    });
    const sentiment = await submitAnalysis(sandbox, {
      analysisType: 'SENTIMENT',
      documents: [reference('en-feedback.txt'), reference('it-feedback.txt')],
    });
    const comprehensive = await submitAnalysis(sandbox, {
      analysisType: 'COMPREHENSIVE',
      documents: [reference('it-results.pdf')],
    });
    const unknownModel = await submitAnalysis(sandbox, {
      analysisType: 'SENTIMENT',
      modelId: 'no-such-model',
      documents: [reference('en-feedback.txt')],
    });

    const result = resultOf(await sandbox.eventsUntil(financial.header.jobId, 'SUCCESS', 120_000));
    assert.deepEqual(
      result.documents.map((d) => d.documentId),
      [...INDEXED],
    );
    for (const analysis of result.documents) {
      const expected = ANALYSIS_SAMPLES[analysis.documentId as (typeof INDEXED)[number]];
      assert.equal(analysis.language, expected.language, analysis.documentId);
      assert.deepEqual(
        analysis.financial?.amounts.map((a) => a.value),
        [...expected.amounts],
        analysis.documentId,
      );
      assert.deepEqual(analysis.financial?.periods, [...expected.periods], analysis.documentId);
      const metrics = metricsOf(analysis);
      for (const [name, value] of Object.entries(expected.metrics)) {
        assert.equal(metrics[name]?.value, value, `${analysis.documentId} ${name}`);
      }
    }
    const kpi = metricsOf(result.documents[2]);
    assert.equal(
      kpi['revenue_growth[2024-Q3]']?.formula,
      '(revenue[2024-Q3] - revenue[2024-Q2]) / |revenue[2024-Q2]| * 100',
    );
    assert.deepEqual(kpi['revenue_growth[2024-Q3]']?.provenance, ['KPI!D3', 'KPI!C3']);
    assert.deepEqual(kpi['ebitda_margin[2024-Q3]']?.inputs, ['ebitda[2024-Q3]', 'revenue[2024-Q3]']);
    assert.deepEqual(
      result.failed.map((f) => [f.source, f.code]),
      [
        ['never-indexed.pdf', 'SEDANO_ERR_DOCUMENT_NOT_INDEXED'],
        ['corrupt.pdf', 'SEDANO_ERR_DOCUMENT_CORRUPT'],
      ],
    );

    const feedback = resultOf(await sandbox.eventsUntil(sentiment.header.jobId, 'SUCCESS', 60_000));
    assert.deepEqual(
      feedback.documents.map((d) => [d.documentId, d.language, d.sentiment?.label, d.sentiment?.supported]),
      [
        ['en-feedback.txt', 'en', 'POSITIVE', true],
        ['it-feedback.txt', 'it', 'NEGATIVE', true],
      ],
    );
    assert.ok(feedback.documents.every((d) => (d.sentiment?.sentences.length ?? 0) >= 4 && d.financial === null));

    const whole = resultOf(await sandbox.eventsUntil(comprehensive.header.jobId, 'SUCCESS', 60_000)).documents[0];
    assert.equal(whole?.sentiment?.label, 'POSITIVE');
    assert.equal(metricsOf(whole)['net_margin[2024-Q3]']?.value, 10);
    assert.ok((whole?.statistics?.words ?? 0) > 50);
    assert.ok(whole?.statistics?.keywords.includes('trimestre'));
    assert.ok(
      whole?.statistics?.entities.some((e) => e.type === 'ORGANIZATION' && e.text.startsWith('Gruppo Ferretti')),
    );
    assert.ok(whole?.statistics?.entities.some((e) => e.type === 'MONEY' && e.text === '12500000 EUR'));

    const failed = await sandbox.eventsUntil(unknownModel.header.jobId, 'FAILURE', 60_000);
    const failure = failed.find((event) => event.state === 'FAILURE');
    assert.equal(failure?.error?.code, 'SEDANO_ERR_MODEL_NOT_FOUND');
    assert.equal(failed.filter((event) => event.state === 'RETRY').length, 0, 'not retried');
  },
);

test(
  'an analysis of twelve annual reports succeeds, its detail lists cut to fit a status event and counted',
  { timeout: 180_000 },
  async (t) => {
    const sandbox = await stageSandbox(t);
    const root = tempDir(t, 'sedano-analysis-reports-');
    const names = Array.from({ length: 12 }, (_, i) => `annual-report-${i + 1}.txt`);
    // About 110 KB of Avro each (comprehensive): the whole result would be some 1.3 MB.
    for (const name of names) writeFileSync(join(root, name), annualReportPages(50).join('\n\n'));
    await startAnalyzer(t, sandbox, {
      documentRoots: [root],
      store: { dataDir: tempDir(t, 'sedano-analysis-data-') },
      defaultCollection: uniqueName('test-analysis-budget'),
      maxDocumentChars: 1_000_000,
    });
    const job = await submitAnalysis(sandbox, { analysisType: 'COMPREHENSIVE', documents: names.map(reference) });
    const result = resultOf(await sandbox.eventsUntil(job.header.jobId, 'SUCCESS', 150_000));
    assert.deepEqual(
      result.documents.map((d) => d.documentId),
      names,
      'every document analysed and listed',
    );
    for (const analysis of result.documents) {
      const statistics = analysis.statistics;
      const financial = analysis.financial;
      assert.ok(statistics && financial && analysis.sentiment);
      assert.equal(statistics.entities.length, 0, 'entities cut first');
      assert.ok(statistics.entitiesOmitted > 0);
      assert.ok(analysis.sentiment.sentencesOmitted > 0, 'sentence scores cut next');
      assert.ok(financial.amounts.length + financial.amountsOmitted >= 500, 'every amount listed or counted');
      assert.ok(financial.metrics.length > 50 && financial.metricsOmitted === 0, 'the metrics kept whole');
    }
    t.diagnostic(`listed amounts per document: ${result.documents[0]?.financial?.amounts.length}`);
  },
);

test('a revoke while a long job runs stops it between documents', { timeout: 180_000 }, async (t) => {
  const sandbox = await stageSandbox(t);
  const root = tempDir(t, 'sedano-analysis-long-');
  // Documents long enough (about 300 pages each) that the job runs for a while on one thread.
  const page = `${'Revenue reached €1,2 milioni nel terzo trimestre 2024, un risultato ottimo ma la consegna è lenta. '.repeat(30)}\n`;
  writeFileSync(join(root, 'long-000.txt'), page.repeat(300));
  for (let i = 1; i < 20; i += 1)
    copyFileSync(join(root, 'long-000.txt'), join(root, `long-${String(i).padStart(3, '0')}.txt`));
  await startAnalyzer(t, sandbox, {
    documentRoots: [root],
    store: { dataDir: tempDir(t, 'sedano-analysis-data-') },
    defaultCollection: 'unused',
    maxDocumentChars: 10_000_000,
  });
  const documents = Array.from({ length: 20 }, (_, i) => reference(`long-${String(i).padStart(3, '0')}.txt`));
  const job = await submitAnalysis(sandbox, { analysisType: 'COMPREHENSIVE', documents });
  const jobId = job.header.jobId;
  // Revoke once the first document is done.
  await sandbox.eventsUntil(jobId, 'PROGRESS', 60_000);
  await waitFor(
    async () =>
      (await sandbox.events(jobId)).some((e) => {
        const details = e.progress?.details;
        return (
          details !== null &&
          details !== undefined &&
          'sedano.AnalysisProgress' in details &&
          details['sedano.AnalysisProgress'].documentsDone >= 1
        );
      }),
    { description: 'the first document done', timeoutMs: 60_000 },
  );
  await sandbox.command({ command: 'REVOKE', jobId, reason: 'wrong documents' });
  const events = await sandbox.eventsUntil(jobId, 'REVOKED', 60_000);
  assert.ok(!events.some((e) => e.state === 'SUCCESS'));
  assert.equal(events.find((e) => e.state === 'REVOKED')?.error?.code, 'SEDANO_ERR_JOB_REVOKED');
  const done = events
    .map((e) => e.progress?.details)
    .flatMap((details) =>
      details && 'sedano.AnalysisProgress' in details ? [details['sedano.AnalysisProgress'].documentsDone] : [],
    );
  const last = done.at(-1) ?? 0;
  t.diagnostic(`revoked after ${last} of ${documents.length} documents`);
  assert.ok(last >= 1 && last < documents.length, `stopped after ${last} of ${documents.length}`);
});

test(
  'the gateway takes an analysis job (POST /v1/jobs) and serves its result (GET /v1/jobs/:id)',
  { timeout: 120_000 },
  async (t) => {
    const gateway = await startGateway(t, { stage: 'analysis' });
    await startAnalyzer(t, gateway.sandbox, {
      documentRoots: [DEFAULT_DOCUMENT_ROOT],
      store: { dataDir: tempDir(t, 'sedano-analysis-data-') },
      defaultCollection: 'unused',
      maxDocumentChars: 1_000_000,
    });
    const submitted = await gateway.call('POST', '/v1/jobs', {
      json: { stage: 'analysis', payload: { analysisType: 'FINANCIAL', documents: [{ uri: 'en-kpi.csv' }] } },
    });
    assert.equal(submitted.status, 202, await submitted.clone().text());
    const { jobId } = (await submitted.json()) as { jobId: string };
    const job = await waitFor(
      async () => {
        const response = await gateway.call('GET', `/v1/jobs/${jobId}`, { token: 'reader' });
        if (response.status !== 200) return false;
        const view = (await response.json()) as JobView;
        return view.state === 'SUCCESS' && view;
      },
      { description: `SUCCESS of analysis job ${jobId} through the gateway`, timeoutMs: 60_000 },
    );
    const result = job.result;
    assert.equal(result?.kind, 'sedano.AnalysisResult');
    const metrics = Object.fromEntries(
      (result?.kind === 'sedano.AnalysisResult' ? result.documents[0]?.financial?.metrics : [])?.map((m) => [
        `${m.name}[${m.period}]`,
        m.value,
      ]) ?? [],
    );
    assert.equal(metrics['revenue_growth[2024-Q4]'], 13.64);
    assert.equal(metrics['ebitda_margin[2024-Q4]'], 22);
  },
);

test(
  'a model trained by the training stage labels held-out documents in an analysis job (modelId)',
  { timeout: 240_000 },
  async (t) => {
    // The training stage on a sandbox of its own, saving into the analysis sandbox's namespace and model dir.
    const analysis = await stageSandbox(t);
    const modelDir = tempDir(t, 'sedano-trained-models-');
    const training = await stageSandbox(t);
    const trainer = await startStageRuntime(
      createTrainerStage({
        documentRoots: [tempDir(t, 'sedano-training-data-')],
        modelDir,
        embedder: { kind: 'hashing', dimension: 384 },
        redisUrl: endpoints().redisUrl,
        namespace: analysis.keys.namespace,
        limits: resolveTrainerOptions(),
      }),
      {
        kafka: kafkaClient(),
        codec: training.codec,
        redis: training.redis,
        logger: pino({ level: 'silent' }),
        workerId: uniqueName('trainer'),
        names: training.names,
        keys: training.keys,
        topics: training.topics,
        ledger: training.ledger,
        presence: training.presence,
        purgeMarks: training.purgeMarks,
      },
    );
    onCleanup(t, () => trainer.close());
    const modelName = uniqueName('topics');
    const lane = training.topics.lanes[1] ?? '';
    const request = trainingRequest({ modelName, epochs: 30, validationSplit: 0 });
    const job = { ...request, header: { ...request.header, jobId: newJobId(), submittedAt: Date.now() } };
    const binding: SubjectBinding<TrainModelRequest> = {
      subject: training.names.valueSubject(lane),
      contract: trainModelRequestContract,
      compatibility: 'FULL_TRANSITIVE',
    };
    await training.producer.send(lane, [await training.codec.toMessage(binding, job.header.jobId, job)]);
    await training.eventsUntil(job.header.jobId, 'SUCCESS', 180_000);

    // Held-out sentences as documents, analysed with that model.
    const root = tempDir(t, 'sedano-held-out-');
    const files = HELD_OUT.map((example, index) => {
      writeFileSync(join(root, `held-out-${index}.txt`), `${example.text}.\n`);
      return `held-out-${index}.txt`;
    });
    await startAnalyzer(
      t,
      analysis,
      {
        documentRoots: [root],
        store: { dataDir: tempDir(t, 'sedano-analysis-data-') },
        defaultCollection: 'unused',
        maxDocumentChars: 1_000_000,
      },
      modelDir,
    );
    const submitted = await submitAnalysis(analysis, {
      analysisType: 'SENTIMENT',
      modelId: modelName,
      documents: files.map(reference),
    });
    const result = resultOf(await analysis.eventsUntil(submitted.header.jobId, 'SUCCESS', 120_000));
    assert.deepEqual(result.failed, []);
    // The model's label is the most probable of its labels (the sentiment's own label is a polarity).
    const labels = result.documents.map(
      (document) => Object.entries(document.sentiment?.probabilities ?? {}).sort(([, a], [, b]) => b - a)[0]?.[0],
    );
    const correct = labels.filter((label, index) => label === HELD_OUT[index]?.label).length;
    assert.ok(correct >= 5, `at least 5 of 6 held-out documents right: ${labels.join(', ')}`);
    assert.ok(result.documents.every((document) => document.sentiment?.method === `model:${modelName}@1`));
  },
);
