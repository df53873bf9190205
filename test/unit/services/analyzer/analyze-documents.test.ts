import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import type { AnalyzeDocumentsRequest } from '../../../../schemas/analyze-documents-request.ts';
import { ANALYSIS_SAMPLES } from '../../../../scripts/generate-analysis-samples.ts';
import {
  type AnalysisRequest,
  analyzeDocuments,
  type AnalyzeDocumentsDependencies,
} from '../../../../services/analyzer/analyze-documents.ts';
import type { TextClassifier } from '../../../../services/analyzer/classifier-port.ts';
import { resolveDocumentLimits } from '../../../../services/indexer/documents/limits.ts';
import { DEFAULT_DOCUMENT_ROOT } from '../../../../services/indexer/settings.ts';
import type { DocumentChunksWindow, StoredChunk, VectorStore } from '../../../../services/indexer/vector-store/port.ts';
import { isSedanoError, SedanoError } from '../../../../services/lib/errors.ts';

const reference = (uri: string): AnalyzeDocumentsRequest['documents'][number] => ({
  documentId: null,
  uri,
  contentType: null,
  metadata: {},
});

function request(fields: Partial<AnalysisRequest>): AnalysisRequest {
  return {
    documentIds: [],
    documents: [],
    analysisType: 'FINANCIAL',
    language: null,
    modelId: null,
    collection: null,
    ...fields,
  };
}

const dependencies = (extra: Partial<AnalyzeDocumentsDependencies> = {}): AnalyzeDocumentsDependencies => ({
  defaultCollection: 'docs',
  documentRoots: [DEFAULT_DOCUMENT_ROOT],
  limits: resolveDocumentLimits(),
  ...extra,
});

function context() {
  const controller = new AbortController();
  const events: { current: number; total: number; message: string | null | undefined; details: unknown }[] = [];
  return {
    controller,
    events,
    context: {
      signal: controller.signal,
      progress: (current: number, total: number, message?: string | null, details?: unknown) => {
        events.push({ current, total, message, details });
      },
    },
  };
}

/** A store that holds chunks in memory and implements only documentChunks. */
function memoryStore(documents: Record<string, string[]>, page = (i: number) => i + 1): VectorStore {
  const chunk = (documentId: string, text: string, position: number): StoredChunk => ({
    id: `${documentId}-${position}`,
    documentId,
    documentHash: 'h',
    source: `docs/${documentId}.pdf`,
    text,
    page: page(position),
    sheet: null,
    rowFrom: null,
    rowTo: null,
    heading: null,
    position,
    contentHash: 'c',
    metadata: {},
  });
  const store: Partial<VectorStore> = {
    kind: 'lancedb',
    documentChunks: async (collection: string, documentId: string, window: DocumentChunksWindow) => {
      if (collection !== 'docs') {
        throw new SedanoError('SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND', `no ${collection}`, { retriable: false });
      }
      return (documents[documentId] ?? [])
        .map((text, position) => chunk(documentId, text, position))
        .slice(window.fromPosition, window.fromPosition + window.limit);
    },
  };
  return store as VectorStore;
}

test('every analysis sample gives its expected amounts, periods, derived metrics and sentiment', async () => {
  const files = Object.keys(ANALYSIS_SAMPLES) as (keyof typeof ANALYSIS_SAMPLES)[];
  const { context: ctx } = context();
  const result = await analyzeDocuments(
    request({ analysisType: 'COMPREHENSIVE', documents: files.map(reference) }),
    dependencies(),
    ctx,
  );
  assert.deepEqual(result.failed, []);
  for (const [i, file] of files.entries()) {
    const expected = ANALYSIS_SAMPLES[file];
    const analysis = result.documents[i];
    assert.ok(analysis, file);
    assert.equal(analysis.documentId, file);
    assert.equal(analysis.language, expected.language, file);
    assert.deepEqual(
      analysis.financial?.amounts.map((a) => a.value),
      [...expected.amounts],
      file,
    );
    assert.deepEqual(analysis.financial?.periods, [...expected.periods], file);
    const metrics = Object.fromEntries(
      analysis.financial?.metrics.map((m) => [`${m.name}[${m.period}]`, m.value]) ?? [],
    );
    for (const [name, value] of Object.entries(expected.metrics)) assert.equal(metrics[name], value, `${file} ${name}`);
    if (expected.sentiment !== null) assert.equal(analysis.sentiment?.label, expected.sentiment, file);
    assert.ok((analysis.statistics?.words ?? 0) > 0 && (analysis.statistics?.keywords.length ?? 0) > 0, file);
  }
  const pdf = result.documents[0];
  assert.ok(pdf?.statistics?.entities.some((e) => e.type === 'PERSON' && e.text === 'Giulia Bianchi'));
  const growth = pdf?.financial?.metrics.find((m) => m.name === 'revenue_growth');
  assert.deepEqual(growth?.inputs, ['revenue[2024-Q3]', 'revenue[2024-Q2]']);
  assert.match(growth?.provenance[0] ?? '', /^p\.1 s\.\d+: Nel terzo trimestre 2024 i ricavi/);
});

test('a bad document fails alone with its code; the others are analysed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sedano-analysis-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'broken.pdf'), '%PDF-1.7\nthis is not a pdf at all');
  writeFileSync(join(root, 'empty.txt'), '');
  writeFileSync(join(root, 'good.txt'), 'The service was excellent.');
  writeFileSync(join(root, 'junk.bin'), randomBytes(4096));
  // A scanned page: a PDF with no text layer.
  const scan = await PDFDocument.create();
  scan.addPage([595, 842]).drawRectangle({ x: 10, y: 10, width: 100, height: 100 });
  writeFileSync(join(root, 'scan.pdf'), await scan.save());
  const { context: ctx } = context();
  const result = await analyzeDocuments(
    request({
      analysisType: 'SENTIMENT',
      documents: [
        'broken.pdf',
        'empty.txt',
        'good.txt',
        'junk.bin',
        'scan.pdf',
        '../escape.txt',
        'missing.txt',
        'missing.txt?token=s3cret',
      ].map(reference),
    }),
    dependencies({ documentRoots: [root] }),
    ctx,
  );
  assert.deepEqual(
    result.documents.map((d) => [d.documentId, d.sentiment?.label]),
    [['good.txt', 'POSITIVE']],
  );
  assert.deepEqual(
    result.failed.map((f) => [f.source, f.code]),
    [
      ['broken.pdf', 'SEDANO_ERR_DOCUMENT_CORRUPT'],
      ['empty.txt', 'SEDANO_ERR_DOCUMENT_NO_TEXT'],
      ['junk.bin', 'SEDANO_ERR_DOCUMENT_UNSUPPORTED'],
      ['scan.pdf', 'SEDANO_ERR_DOCUMENT_NO_TEXT'],
      ['../escape.txt', 'SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL'],
      ['missing.txt', 'SEDANO_ERR_DOCUMENT_NOT_FOUND'],
      ['missing.txt?token=s3cret', 'SEDANO_ERR_DOCUMENT_NOT_FOUND'],
    ],
  );
  // A reason is an error message, shown as one is: it names the reference without its credential.
  const reason = result.failed.at(-1)?.reason ?? '';
  assert.match(reason, /missing\.txt\?token=\[REDACTED\]/);
  assert.doesNotMatch(reason, /s3cret/);
});

test('indexed documents are read back in order, overlap removed; unknown ids fail with a code', async () => {
  const store = memoryStore({
    report: [
      'Revenue was €10 million in 2023. Revenue was €12 million in 2024.',
      'Revenue was €12 million in 2024. EBITDA was €3 million in 2024.',
    ],
  });
  const { context: ctx } = context();
  const result = await analyzeDocuments(request({ documentIds: ['report', 'nope'] }), dependencies({ store }), ctx);
  const [report] = result.documents;
  assert.equal(report?.source, 'docs/report.pdf');
  // The second chunk repeats the end of the first: its amounts count once.
  assert.deepEqual(
    report?.financial?.amounts.map((a) => a.value),
    [10e6, 12e6, 3e6],
  );
  const metrics = Object.fromEntries(report?.financial?.metrics.map((m) => [`${m.name}[${m.period}]`, m]) ?? []);
  assert.equal(metrics['revenue_growth[2024]']?.value, 20);
  assert.equal(metrics['ebitda_margin[2024]']?.value, 25);
  assert.ok(metrics['ebitda[2024]']?.provenance[0]?.startsWith('p.2 '));
  assert.deepEqual(result.failed, [
    {
      source: 'nope',
      code: 'SEDANO_ERR_DOCUMENT_NOT_INDEXED',
      reason: 'document "nope" has no chunks in collection "docs"',
    },
  ]);
  const elsewhere = await analyzeDocuments(
    request({ documentIds: ['report'], collection: 'other' }),
    dependencies({ store }),
    ctx,
  );
  assert.equal(elsewhere.failed[0]?.code, 'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND');
  assert.doesNotMatch(elsewhere.failed[0]?.reason ?? '', /default/, 'it named its collection');
  // Naming none reads the default: the reason says so, since the documents may be in another.
  const byDefault = await analyzeDocuments(
    request({ documentIds: ['report'], collection: null }),
    dependencies({ store, defaultCollection: 'documents' }),
    ctx,
  );
  assert.equal(byDefault.failed[0]?.code, 'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND');
  assert.match(
    byDefault.failed[0]?.reason ?? '',
    /the job names no collection, so the analyser's default \(SEDANO_ANALYSIS_COLLECTION\)/,
  );
});

test('a long indexed document is paged through and reports progress per section', async () => {
  const texts = Array.from({ length: 600 }, (_, i) => `Page ${i} says the service was excellent and cost €${i + 1}.`);
  const { context: ctx, events } = context();
  const result = await analyzeDocuments(
    request({ documentIds: ['long'], analysisType: 'SENTIMENT' }),
    dependencies({ store: memoryStore({ long: texts }) }),
    ctx,
  );
  assert.equal(result.documents[0]?.sentiment?.label, 'POSITIVE');
  const sections = events.map(
    (e) =>
      (e.details as { 'sedano.AnalysisProgress': { sectionsDone: number | null } })['sedano.AnalysisProgress']
        .sectionsDone,
  );
  assert.ok(sections.includes(25) && sections.includes(600), JSON.stringify(sections.slice(0, 5)));
  const during = events.filter((e) => e.current > 0 && e.current < e.total).map((e) => e.current);
  assert.deepEqual(
    [...during].sort((a, b) => a - b),
    during,
    'progress never goes back',
  );
  assert.equal(events.at(-1)?.current, events.at(-1)?.total);
});

test('a revoke stops the job between documents, with the signal reason', async () => {
  const { context: ctx, controller, events } = context();
  const reason = new SedanoError('SEDANO_ERR_JOB_REVOKED', 'revoked', { retriable: false });
  const progress = ctx.progress;
  ctx.progress = (current, total, message, details) => {
    progress(current, total, message, details);
    if (message === '1 of 3 document(s) done') controller.abort(reason);
  };
  await assert.rejects(
    analyzeDocuments(
      request({ documents: ['en-feedback.txt', 'it-feedback.txt', 'en-kpi.csv'].map(reference) }),
      dependencies(),
      ctx,
    ),
    (error) => error === reason,
  );
  assert.ok(!events.some((e) => e.message === 'analysing it-feedback.txt'));
});

test('with a modelId, the trained classifier labels the document and its sentences', async () => {
  const classified: string[][] = [];
  const classifier: TextClassifier = {
    modelName: 'feedback',
    version: 3,
    labels: ['positive', 'negative'],
    classify: async (texts) => {
      classified.push(texts);
      return texts.map((text) =>
        /pessimo|deluso|ritardo/i.test(text)
          ? { label: 'negative', probabilities: { positive: 0.1, negative: 0.9 } }
          : { label: 'positive', probabilities: { positive: 0.8, negative: 0.2 } },
      );
    },
  };
  const { context: ctx } = context();
  const result = await analyzeDocuments(
    request({ analysisType: 'SENTIMENT', modelId: 'm-1', documents: [reference('it-feedback.txt')] }),
    dependencies({ loadClassifier: async (id) => (id === 'm-1' ? classifier : Promise.reject(new Error('no'))) }),
    ctx,
  );
  const sentiment = result.documents[0]?.sentiment;
  assert.equal(sentiment?.method, 'model:feedback@3');
  assert.equal(sentiment?.label, 'NEGATIVE');
  assert.equal(sentiment?.score, -0.8);
  assert.deepEqual(sentiment?.probabilities, { positive: 0.1, negative: 0.9 });
  assert.equal(sentiment?.sentences.length, classified[0]!.length - 1);
});

test('an unknown modelId fails the job at once, not retriable, before any document is read', async () => {
  const { context: ctx, events } = context();
  for (const loadClassifier of [
    undefined,
    async () => Promise.reject(new SedanoError('SEDANO_ERR_MODEL_NOT_FOUND', 'no such model', { retriable: false })),
    async () => Promise.reject(new Error('file not found')),
  ]) {
    await assert.rejects(
      analyzeDocuments(
        request({ modelId: 'ghost', documents: [reference('en-feedback.txt')] }),
        dependencies(loadClassifier === undefined ? {} : { loadClassifier }),
        ctx,
      ),
      (error) => isSedanoError(error) && error.code === 'SEDANO_ERR_MODEL_NOT_FOUND' && !error.retriable,
    );
  }
  assert.equal(events.length, 0);
  // An outage of the model store is retriable and stays so.
  await assert.rejects(
    analyzeDocuments(
      request({ modelId: 'm', documents: [] }),
      dependencies({
        loadClassifier: async () =>
          Promise.reject(new SedanoError('SEDANO_ERR_VECTOR_STORE_UNAVAILABLE', 'down', { retriable: true })),
      }),
      ctx,
    ),
    (error) => isSedanoError(error) && error.retriable,
  );
});
