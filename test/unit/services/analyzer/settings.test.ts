import { DEFAULT_MODEL_DIR } from '../../../../services/trainer/settings.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analysisProgressReport } from '../../../../services/analyzer/analysis-progress.ts';
import { createAnalyzerStage } from '../../../../services/analyzer/analyzer-stage.ts';
import { analyzerSettings, analyzerThreadSettings } from '../../../../services/analyzer/settings.ts';
import { DEFAULT_DOCUMENT_ROOT } from '../../../../services/indexer/settings.ts';
import { resolveSettings } from '../../../../services/lib/settings.ts';

test('defaults, overrides and every problem reported at once', () => {
  const defaults = analyzerThreadSettings(resolveSettings(analyzerSettings, {}));
  assert.deepEqual(defaults, {
    documentRoots: [DEFAULT_DOCUMENT_ROOT],
    store: { qdrantUrl: undefined, qdrantApiKey: undefined, dataDir: undefined, snapshotDir: undefined },
    defaultCollection: 'documents',
    maxDocumentChars: 30_000_000,
    modelDir: DEFAULT_MODEL_DIR,
    redisUrl: 'redis://127.0.0.1:6379',
    namespace: 'sedano',
    embedder: { kind: 'hashing', dimension: 384 },
  });
  const given = resolveSettings(analyzerSettings, {
    SEDANO_ANALYSIS_COLLECTION: 'samples',
    SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS: '1000',
    SEDANO_ANALYZER_CONCURRENCY: '3',
  });
  assert.deepEqual([given.defaultCollection, given.maxDocumentChars, given.concurrency], ['samples', 1000, 3]);
  assert.throws(
    () =>
      resolveSettings(analyzerSettings, {
        SEDANO_ANALYSIS_COLLECTION: 'a b',
        SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS: 'lots',
      }),
    /SEDANO_ANALYSIS_COLLECTION[\s\S]*SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS/,
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
  const done = { currentDocument: null, documentsDone: 4, documentsTotal: 4, sectionsDone: null, fraction: 0.9 };
  assert.equal(analysisProgressReport(done, '').current, 4000);
});

test('the stage runs its handler module in threads with its settings, defaults merged under the options', () => {
  const settings = analyzerThreadSettings(resolveSettings(analyzerSettings, {}));
  const stage = createAnalyzerStage(settings, { concurrency: 3, threads: { maxHeapMb: 1024 } });
  assert.equal(stage.stage, 'analysis');
  assert.ok(stage.handlerModule?.pathname.endsWith('/services/analyzer/handler.ts'));
  assert.deepEqual(stage.handlerData, settings);
  assert.equal(stage.options?.concurrency, 3);
  assert.deepEqual(stage.options?.threads, { maxJobsPerThread: 100, maxHeapMb: 1024 });
});
