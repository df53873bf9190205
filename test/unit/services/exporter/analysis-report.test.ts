import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisResult } from '../../../../schemas/analysis-result.ts';
import type { DocumentAnalysis } from '../../../../schemas/document-analysis.ts';
import {
  analysisContent,
  metricLabel,
  periodSortKey,
  readAnalysisResult,
  type ReadJobResult,
} from '../../../../services/exporter/analysis-report.ts';
import { isSedanoError } from '../../../../services/lib/errors.ts';

function document(
  id: string,
  metrics: { name: string; value: number; unit: string | null; period: string | null }[],
): DocumentAnalysis {
  return {
    documentId: id,
    language: 'it',
    source: id,
    languages: ['it'],
    financial: {
      numberFormat: null,
      amounts: [{ value: 1, currency: 'EUR', context: null }],
      amountsOmitted: 0,
      percentages: [],
      percentagesOmitted: 0,
      metricsOmitted: 0,
      periods: ['2024'],
      metrics: metrics.map((metric) => ({ ...metric, formula: null, inputs: [], provenance: [] })),
    },
    sentiment: null,
    statistics: null,
  };
}

const result: AnalysisResult = {
  analysisType: 'FINANCIAL',
  documents: [
    document('bilancio-2024.xlsx', [
      { name: 'Ricavi', value: 1_200_000, unit: 'EUR', period: '2023' },
      { name: 'Ricavi', value: 1_350_000, unit: 'EUR', period: '2024' },
      { name: 'Margine EBITDA', value: 18, unit: '%', period: '2023' },
      { name: 'Margine EBITDA', value: 21, unit: '%', period: '2024' },
      { name: 'Dipendenti', value: 40, unit: null, period: 'Q3 2024' },
    ]),
  ],
  failed: [{ source: 'rotto.pdf', code: 'SEDANO_ERR_DOCUMENT_CORRUPT', reason: 'truncated' }],
  failedOmitted: 0,
};

function reader(job: { state: string; result: unknown } | undefined): ReadJobResult {
  return async () => job;
}

async function assertCode(run: () => Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, code);
    assert.equal(error.retriable, false);
    return true;
  });
}

test('an unknown or expired, unfinished, failed, or non-analysis job fails at once with its code', async () => {
  await assertCode(() => readAnalysisResult('j', reader(undefined)), 'SEDANO_ERR_EXPORT_ANALYSIS_NOT_FOUND');
  await assertCode(
    () => readAnalysisResult('j', reader({ state: 'PROGRESS', result: null })),
    'SEDANO_ERR_EXPORT_ANALYSIS_NOT_FINISHED',
  );
  await assertCode(
    () => readAnalysisResult('j', reader({ state: 'FAILURE', result: null })),
    'SEDANO_ERR_EXPORT_ANALYSIS_NOT_FINISHED',
  );
  await assertCode(
    () => readAnalysisResult('j', reader({ state: 'SUCCESS', result: { kind: 'sedano.NoopResult' } })),
    'SEDANO_ERR_EXPORT_ANALYSIS_UNUSABLE',
  );
  const ok = await readAnalysisResult(
    'j',
    reader({ state: 'SUCCESS', result: { ...result, kind: 'sedano.AnalysisResult' } }),
  );
  assert.equal(ok.documents.length, 1);
});

test('a financial analysis becomes key figures per period, revenue on the bar chart and margins on the line', () => {
  const content = analysisContent(result, 'it');
  const financials = content.financials;
  assert.ok(financials);
  assert.equal(financials.currency, 'EUR');
  assert.deepEqual(financials.periods, ['2023', '2024', 'Q3 2024']);
  const byName = Object.fromEntries(financials.kpis.map((kpi) => [kpi.name, kpi]));
  assert.deepEqual(byName['Ricavi'], {
    name: 'Ricavi',
    format: 'CURRENCY',
    values: [1_200_000, 1_350_000, 0],
    missing: [2],
    chart: 'BAR',
  });
  assert.equal(byName['Margine EBITDA']?.format, 'PERCENT');
  assert.equal(byName['Margine EBITDA']?.chart, 'LINE');
  assert.equal(byName['Dipendenti']?.chart, null);
  assert.deepEqual(content.languages, ['it']);
  assert.deepEqual(
    content.sections.map((section) => section.heading),
    ['Documenti analizzati', 'Documenti non analizzati'],
  );
});

test('an analysis without metrics has no key figures; periods sort by year then quarter', () => {
  assert.equal(analysisContent({ ...result, documents: [document('a', [])] }, 'en').financials, null);
  const sorted = ['Q2 2024', '2025', 'FY', '2024', 'Q1 2024'].sort((a, b) => periodSortKey(a)[0] - periodSortKey(b)[0]);
  assert.deepEqual(sorted, ['2024', 'Q1 2024', 'Q2 2024', '2025', 'FY']);
});

test("the analyzer's metric keys become readers' names; its derived growth is left to the template", () => {
  const analysed = document('conto-economico.xlsx', [
    { name: 'revenue', value: 100, unit: 'EUR', period: '2024-Q2' },
    { name: 'revenue', value: 120, unit: 'EUR', period: '2024-Q3' },
    { name: 'revenue_growth', value: 20, unit: '%', period: '2024-Q3' },
    { name: 'ebitda_margin', value: 18.5, unit: '%', period: '2024-Q3' },
    { name: 'order_backlog', value: 7, unit: null, period: '2024-Q3' },
  ]);
  const financials = analysisContent({ ...result, documents: [analysed] }, 'en').financials;
  assert.ok(financials);
  assert.deepEqual(financials.periods, ['2024-Q2', '2024-Q3']);
  assert.deepEqual(
    financials.kpis.map((kpi) => [kpi.name, kpi.chart]),
    [
      ['Revenue', 'BAR'],
      ['EBITDA margin', 'LINE'],
      ['Order backlog', null],
    ],
  );
  assert.equal(metricLabel('net_income', 'it'), 'Utile netto');
});

test('a result cut to its size budget: amounts counted with the omitted ones, the failed documents left out said', () => {
  const analysed = document('bilancio-2024.xlsx', []);
  assert.ok(analysed.financial);
  const cut: AnalysisResult = {
    ...result,
    documents: [{ ...analysed, financial: { ...analysed.financial, amountsOmitted: 499 } }],
    failedOmitted: 41,
  };
  const sections = analysisContent(cut, 'en').sections;
  const documents = sections.find((section) => section.heading === 'Documents analysed');
  assert.deepEqual(documents?.table?.rows[0]?.slice(0, 3), ['bilancio-2024.xlsx', 'it', '500']);
  const failed = sections.find((section) => section.heading === 'Documents not analysed');
  assert.deepEqual(failed?.paragraphs, ['41 more documents not analysed are not listed.']);
  assert.equal(failed?.table?.rows.length, 1);
});
