/**
 * An analysis result within its size budget (pure). A document's analysis can reach 130 KB in
 * Avro (a 50-page annual report, comprehensive: 500 amounts, 200 entities, 200 sentence scores
 * and about 100 metrics with their provenance), so a job of eight such reports made a SUCCESS
 * event larger than the status topic took then (1 MiB), and the job failed after its work, on
 * every retry (job-reporter.ts). So past ANALYSIS_RESULT_MAX_BYTES the detail lists are cut,
 * never a document: every document keeps its language, sentiment label and score, periods,
 * keywords and statistics, and its lists keep their first entries, the rest counted in their
 * `…Omitted`. The budget keeps the detail of a job's view, its GET and the dashboard's job
 * page within a size a page can show.
 *
 * The lists are cut in DETAIL_LISTS' order, the least used first: entities (partly the amounts
 * again), then per-sentence scores, amounts, percentages and, last, the metrics the exporter's
 * key figures come from. A list is cut to the same length in every document, the longest that
 * fits, before the next one is touched. `failed` keeps its first entries within
 * FAILED_MAX_BYTES first (it is what someone acts on), the rest counted in `failedOmitted`.
 *
 * A result still past the budget with every list empty (thousands of documents: 130-390 bytes
 * each then) is returned as it is: documents are the result, not detail. The status topic takes
 * 8 MiB (topology/topics.ts), about 20,000 long reports; past that, the runtime fails the job
 * with SEDANO_ERR_JOB_RESULT_TOO_LARGE. Sizes are the exact Avro bytes, encoded: a job's
 * analysis takes far longer.
 */
import type { AnalysisResult } from '../../schemas/analysis-result.ts';
import { defineContract } from '../../schemas/contract.ts';
import type { DocumentAnalysis } from '../../schemas/document-analysis.ts';
import type { FailedDocument } from '../../schemas/failed-document.ts';
import { loadSchema } from '../../schemas/schema-loader.ts';

/** The detail lists are cut past this many bytes of result (a dozen long reports' whole detail, about 1.5 MB, is past it). */
export const ANALYSIS_RESULT_MAX_BYTES = 768 * 1024;

/** The share of the budget `failed` may take (each entry's reason is cut at 4,096 characters). */
export const FAILED_MAX_BYTES = 128 * 1024;

const analysisResultType = defineContract<AnalysisResult>(loadSchema('sedano.AnalysisResult')).type;
const failedDocumentType = defineContract<FailedDocument>(loadSchema('sedano.FailedDocument')).type;

/** The Avro bytes of a result. */
export function encodedBytes(result: AnalysisResult): number {
  return analysisResultType.toBuffer(result).length;
}

/** A per-document list the budget may cut: its length, and the document with it cut to `keep` (the rest counted). */
interface DetailList {
  name: string;
  length(document: DocumentAnalysis): number;
  cut(document: DocumentAnalysis, keep: number): DocumentAnalysis;
}

/** The lists in the order they are cut. */
export const DETAIL_LISTS: readonly DetailList[] = [
  {
    name: 'statistics.entities',
    length: (document) => document.statistics?.entities.length ?? 0,
    cut: (document, keep) => {
      const statistics = document.statistics;
      if (statistics === null || statistics.entities.length <= keep) return document;
      const entities = statistics.entities.slice(0, keep);
      const entitiesOmitted = statistics.entitiesOmitted + statistics.entities.length - keep;
      return { ...document, statistics: { ...statistics, entities, entitiesOmitted } };
    },
  },
  {
    name: 'sentiment.sentences',
    length: (document) => document.sentiment?.sentences.length ?? 0,
    cut: (document, keep) => {
      const sentiment = document.sentiment;
      if (sentiment === null || sentiment.sentences.length <= keep) return document;
      const sentences = sentiment.sentences.slice(0, keep);
      const sentencesOmitted = sentiment.sentencesOmitted + sentiment.sentences.length - keep;
      return { ...document, sentiment: { ...sentiment, sentences, sentencesOmitted } };
    },
  },
  {
    name: 'financial.amounts',
    length: (document) => document.financial?.amounts.length ?? 0,
    cut: (document, keep) => {
      const financial = document.financial;
      if (financial === null || financial.amounts.length <= keep) return document;
      const amounts = financial.amounts.slice(0, keep);
      const amountsOmitted = financial.amountsOmitted + financial.amounts.length - keep;
      return { ...document, financial: { ...financial, amounts, amountsOmitted } };
    },
  },
  {
    name: 'financial.percentages',
    length: (document) => document.financial?.percentages.length ?? 0,
    cut: (document, keep) => {
      const financial = document.financial;
      if (financial === null || financial.percentages.length <= keep) return document;
      const percentages = financial.percentages.slice(0, keep);
      const percentagesOmitted = financial.percentagesOmitted + financial.percentages.length - keep;
      return { ...document, financial: { ...financial, percentages, percentagesOmitted } };
    },
  },
  {
    name: 'financial.metrics',
    length: (document) => document.financial?.metrics.length ?? 0,
    cut: (document, keep) => {
      const financial = document.financial;
      if (financial === null || financial.metrics.length <= keep) return document;
      const metrics = financial.metrics.slice(0, keep);
      const metricsOmitted = financial.metricsOmitted + financial.metrics.length - keep;
      return { ...document, financial: { ...financial, metrics, metricsOmitted } };
    },
  },
];

/** `failed` cut to its first entries within `maxBytes`, the rest counted. */
function withFailedWithin(result: AnalysisResult, maxBytes: number): AnalysisResult {
  let left = maxBytes;
  let kept = 0;
  for (const entry of result.failed) {
    left -= failedDocumentType.toBuffer(entry).length;
    if (left < 0) break;
    kept += 1;
  }
  if (kept === result.failed.length) return result;
  return {
    ...result,
    failed: result.failed.slice(0, kept),
    failedOmitted: result.failedOmitted + result.failed.length - kept,
  };
}

/** The result within `maxBytes` when cutting detail lists can make it so; see the module's comment. */
export function withinBudget(
  result: AnalysisResult,
  maxBytes = ANALYSIS_RESULT_MAX_BYTES,
  failedMaxBytes = FAILED_MAX_BYTES,
): AnalysisResult {
  let fitted = withFailedWithin(result, failedMaxBytes);
  const fits = (candidate: AnalysisResult) => encodedBytes(candidate) <= maxBytes;
  if (fits(fitted)) return fitted;
  for (const list of DETAIL_LISTS) {
    const base = fitted;
    const cutTo = (keep: number): AnalysisResult => ({
      ...base,
      documents: base.documents.map((document) => list.cut(document, keep)),
    });
    const emptied = cutTo(0);
    if (!fits(emptied)) {
      fitted = emptied;
      continue;
    }
    // The longest length that fits: cutTo(low) fits, cutTo(high) does not (at the longest it is `base`).
    let low = 0;
    let high = base.documents.reduce((longest, document) => Math.max(longest, list.length(document)), 0);
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (fits(cutTo(middle))) low = middle;
      else high = middle;
    }
    return cutTo(low);
  }
  return fitted;
}
