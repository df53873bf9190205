// result-budget.ts: an analysis result's detail lists cut to a size budget, the rest counted, no document dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisResult } from '../../../../schemas/analysis-result.ts';
import type { DocumentAnalysis } from '../../../../schemas/document-analysis.ts';
import { jobStatusEventContract } from '../../../../schemas/job-status-event.ts';
import { type SectionText, analyzeDocumentText } from '../../../../services/analyzer/analyze-document.ts';
import {
  ANALYSIS_RESULT_MAX_BYTES,
  BudgetedResult,
  DETAIL_LISTS,
  encodedBytes,
  withinBudget,
} from '../../../../services/analyzer/result-budget.ts';
import { documentAnalysisOf } from '../../../../services/analyzer/to-contract.ts';
import { MAX_STATUS_EVENT_BYTES } from '../../../../services/lib/runtime/job-reporter.ts';
import { jobStatusEventSample } from '../../schemas/samples.ts';
import { annualReportPages } from './annual-report-fixture.ts';

/** The comprehensive analysis of `count` copies of a 50-page report, as the analyzer makes it. */
function comprehensiveResult(count: number, failed = 0): AnalysisResult {
  const analysis = documentAnalysisOf(
    'report',
    'reports/annual-2024.pdf',
    analyzeDocumentText(
      annualReportPages(50).map((text, i): SectionText => ({ text, page: i + 1, sheet: null, rows: null })),
      'COMPREHENSIVE',
      'en',
    ),
  );
  return {
    analysisType: 'COMPREHENSIVE',
    documents: Array.from({ length: count }, (_, i) => ({ ...analysis, documentId: `report-${i}` })),
    failed: Array.from({ length: failed }, (_, i) => ({
      source: `uploads/${i}-${'x'.repeat(200)}.pdf`,
      code: 'SEDANO_ERR_DOCUMENT_CORRUPT',
      reason: `the PDF could not be parsed: ${'bad xref table '.repeat(20)}`,
    })),
    failedOmitted: 0,
  };
}

function successBytes(result: AnalysisResult): number {
  return jobStatusEventContract.type.toBuffer({ ...jobStatusEventSample, result: { 'sedano.AnalysisResult': result } })
    .length;
}

/** Each list's entries, listed and counted, per document: what the budget must keep whole. */
function found(document: DocumentAnalysis) {
  return {
    entities: (document.statistics?.entities.length ?? 0) + (document.statistics?.entitiesOmitted ?? 0),
    sentences: (document.sentiment?.sentences.length ?? 0) + (document.sentiment?.sentencesOmitted ?? 0),
    amounts: (document.financial?.amounts.length ?? 0) + (document.financial?.amountsOmitted ?? 0),
    percentages: (document.financial?.percentages.length ?? 0) + (document.financial?.percentagesOmitted ?? 0),
    metrics: (document.financial?.metrics.length ?? 0) + (document.financial?.metricsOmitted ?? 0),
  };
}

test('a result within the budget is left whole', () => {
  const small = comprehensiveResult(2, 3);
  assert.ok(encodedBytes(small) < ANALYSIS_RESULT_MAX_BYTES);
  assert.deepEqual(withinBudget(small), small);
});

test('twelve annual reports: uncut, past the budget; cut, within it with every document and finding kept or counted', () => {
  const whole = comprehensiveResult(12);
  assert.ok(encodedBytes(whole) > 2 * ANALYSIS_RESULT_MAX_BYTES, `uncut: ${encodedBytes(whole)} bytes`);
  const fitted = withinBudget(whole);
  assert.ok(encodedBytes(fitted) <= ANALYSIS_RESULT_MAX_BYTES);
  assert.ok(successBytes(fitted) <= MAX_STATUS_EVENT_BYTES);
  assert.equal(fitted.documents.length, 12);
  fitted.documents.forEach((document, i) => {
    const original = whole.documents[i];
    assert.ok(original);
    assert.deepEqual(found(document), found(original), 'every finding listed or counted');
    assert.equal(document.documentId, original.documentId);
    assert.deepEqual(document.sentiment?.label, original.sentiment?.label);
    assert.deepEqual(document.financial?.periods, original.financial?.periods);
    assert.deepEqual(document.statistics?.keywords, original.statistics?.keywords);
    // A list keeps its first entries.
    assert.deepEqual(
      document.financial?.amounts,
      original.financial?.amounts.slice(0, document.financial?.amounts.length),
    );
  });
  // Twelve reports fit once the entities and sentence scores go: the metrics the report's key figures use stay whole.
  const first = fitted.documents[0];
  assert.equal(first?.statistics?.entities.length, 0);
  assert.equal(first?.financial?.metricsOmitted, 0);
});

test('the lists are cut in order, each to the longest length that fits, the same in every document', () => {
  const whole = comprehensiveResult(12);
  const fitted = withinBudget(whole);
  const lengths = DETAIL_LISTS.map((list) => new Set(fitted.documents.map((document) => list.length(document))));
  for (const kept of lengths) assert.equal(kept.size, 1, 'one length across the documents');
  const [lastCut] = DETAIL_LISTS.flatMap((list, i) =>
    list.length(fitted.documents[0] as DocumentAnalysis) < list.length(whole.documents[0] as DocumentAnalysis)
      ? [i]
      : [],
  ).slice(-1);
  assert.ok(lastCut !== undefined);
  // Every list before the last one cut is empty; those after it are whole.
  DETAIL_LISTS.forEach((list, i) => {
    const length = list.length(fitted.documents[0] as DocumentAnalysis);
    if (i < lastCut) assert.equal(length, 0, `${list.name} emptied first`);
    if (i > lastCut) assert.equal(length, list.length(whole.documents[0] as DocumentAnalysis), `${list.name} whole`);
  });
  // One more entry of the last list cut would not fit.
  const last = DETAIL_LISTS[lastCut];
  assert.ok(last);
  const longer = {
    ...fitted,
    documents: whole.documents.map((document, i) => {
      const kept = last.length(fitted.documents[i] as DocumentAnalysis) + 1;
      return DETAIL_LISTS.slice(0, lastCut).reduce((cut, list) => list.cut(cut, 0), last.cut(document, kept));
    }),
  };
  assert.ok(encodedBytes(longer) > ANALYSIS_RESULT_MAX_BYTES, 'the longest length that fits');
});

test('many failed documents: the first listed within their share, the rest counted', () => {
  const whole = comprehensiveResult(1, 2_000);
  const fitted = withinBudget(whole);
  assert.ok(fitted.failed.length > 100 && fitted.failed.length < 2_000, `${fitted.failed.length} listed`);
  assert.equal(fitted.failed.length + fitted.failedOmitted, 2_000);
  assert.deepEqual(fitted.failed, whole.failed.slice(0, fitted.failed.length));
  assert.ok(encodedBytes(fitted) <= ANALYSIS_RESULT_MAX_BYTES);
});

test('a result too large with every list emptied keeps its documents, for the runtime to refuse', () => {
  const whole = comprehensiveResult(3);
  const fitted = withinBudget(whole, 500);
  assert.equal(fitted.documents.length, 3);
  for (const list of DETAIL_LISTS)
    for (const document of fitted.documents) assert.equal(list.length(document), 0, `${list.name} emptied`);
  assert.ok(encodedBytes(fitted) > 500);
});

test('ten thousand long reports keep every document past the budget, in a SUCCESS the status topic takes', () => {
  // Each report with every detail list emptied, as the budget leaves it: 10,000 of them are some
  // 3.4 MB, past the 1 MiB the status topic took before (the job failed after its work), within its 8 MiB.
  const [report] = withinBudget(comprehensiveResult(1), 0).documents;
  assert.ok(report);
  const whole: AnalysisResult = {
    analysisType: 'COMPREHENSIVE',
    documents: Array.from({ length: 10_000 }, (_, i) => ({ ...report, documentId: `report-${i}` })),
    failed: [],
    failedOmitted: 0,
  };
  const fitted = withinBudget(whole);
  assert.equal(fitted.documents.length, 10_000);
  const bytes = successBytes(fitted);
  assert.ok(bytes > 3 * 1_048_576 && bytes <= MAX_STATUS_EVENT_BYTES, `${bytes} bytes`);
});

/** The comprehensive analysis of a report of `pages` pages, as the analyzer makes it. */
function reportAnalysis(pages: number, documentId: string): DocumentAnalysis {
  const sections = annualReportPages(pages).map((text, i): SectionText => ({
    text,
    page: i + 1,
    sheet: null,
    rows: null,
  }));
  return documentAnalysisOf(
    documentId,
    `reports/${documentId}.pdf`,
    analyzeDocumentText(sections, 'COMPREHENSIVE', 'en'),
  );
}

test('built a document at a time, the result is what the budget gives the whole, failed documents among them', () => {
  const long = reportAnalysis(50, 'long');
  const short = reportAnalysis(8, 'short');
  for (const count of [3, 13, 20, 30]) {
    const whole: AnalysisResult = { analysisType: 'COMPREHENSIVE', documents: [], failed: [], failedOmitted: 0 };
    const built = new BudgetedResult('COMPREHENSIVE');
    for (let i = 0; i < count; i += 1) {
      if (i % 7 === 3) {
        const failed = {
          source: `uploads/${i}.pdf`,
          code: 'SEDANO_ERR_DOCUMENT_CORRUPT',
          reason: 'bad xref '.repeat(400),
        };
        whole.failed.push(failed);
        built.addFailed(failed);
      }
      const document = { ...(i % 3 === 0 ? short : long), documentId: `report-${i}` };
      whole.documents.push(document);
      built.addDocument(document);
    }
    assert.deepEqual(built.result(), withinBudget(whole), `${count} documents`);
  }
});

test('a growing result holds its documents cut: never much past twice the budget, whatever their number', () => {
  const long = reportAnalysis(50, 'long');
  const built = new BudgetedResult('COMPREHENSIVE');
  let most = 0;
  for (let i = 0; i < 150; i += 1) {
    built.addDocument({ ...long, documentId: `report-${i}` });
    most = Math.max(most, encodedBytes(built.held));
  }
  // Whole, 150 such reports are some 20 MB; a document is added before the fit that follows it.
  assert.ok(most <= 2 * ANALYSIS_RESULT_MAX_BYTES + encodedBytes(comprehensiveResult(1)), `${most} bytes held at most`);
  const result = built.result();
  assert.equal(result.documents.length, 150);
  assert.ok(encodedBytes(result) <= ANALYSIS_RESULT_MAX_BYTES);
});
