import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analysisProgressReport } from '../../../../services/analyzer/analysis-progress.ts';
import {
  analyzerOptionsFromEnvironment,
  resolveAnalyzerOptions,
} from '../../../../services/analyzer/analyzer-options.ts';
import { createAnalyzerStage } from '../../../../services/analyzer/analyzer-stage.ts';

test('defaults, overrides and every problem reported at once', () => {
  assert.deepEqual(resolveAnalyzerOptions(), { defaultCollection: 'documents', maxDocumentChars: 30_000_000 });
  assert.deepEqual(
    analyzerOptionsFromEnvironment({
      SEDANO_ANALYSIS_COLLECTION: 'samples',
      SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS: '1000',
    }),
    {
      defaultCollection: 'samples',
      maxDocumentChars: 1000,
    },
  );
  assert.throws(
    () =>
      analyzerOptionsFromEnvironment({ SEDANO_ANALYSIS_COLLECTION: 'a b', SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS: 'lots' }),
    /defaultCollection: "a b".*maxDocumentChars: expected a whole number/,
  );
});

test('progress is in thousandths of a document and carries AnalysisProgress', () => {
  const report = analysisProgressReport(
    { currentDocument: 'a.pdf', documentsDone: 1, documentsTotal: 4, sectionsDone: 50, fraction: 0.5 },
    'reading a.pdf',
  );
  assert.deepEqual(report, {
    current: 1500,
    total: 4000,
    message: 'reading a.pdf',
    details: {
      'sedano.AnalysisProgress': { currentDocument: 'a.pdf', documentsDone: 1, documentsTotal: 4, sectionsDone: 50 },
    },
  });
  assert.equal(
    analysisProgressReport(
      { currentDocument: null, documentsDone: 4, documentsTotal: 4, sectionsDone: null, fraction: 0.9 },
      '',
    ).current,
    4000,
  );
});

test('the stage runs its handler module in threads, with its defaults merged under the options', () => {
  const stage = createAnalyzerStage({ concurrency: 3, threads: { maxHeapMb: 1024 } });
  assert.equal(stage.stage, 'analysis');
  assert.ok(stage.handlerModule?.pathname.endsWith('/services/analyzer/handler.ts'));
  assert.equal(stage.options?.concurrency, 3);
  assert.deepEqual(stage.options?.threads, { maxJobsPerThread: 100, maxHeapMb: 1024 });
});
