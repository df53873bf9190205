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
const documentAnalysisType = defineContract<DocumentAnalysis>(loadSchema('sedano.DocumentAnalysis')).type;
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

/**
 * How far a result's detail is cut: the first `emptied` lists of DETAIL_LISTS emptied, and the
 * next one kept to its first `keep` entries (no `keep`: it and the ones after it whole).
 */
export interface DetailCut {
  emptied: number;
  keep?: number;
}

const UNCUT: DetailCut = { emptied: 0 };

/** A document with its detail cut as `cut` says (pure); cutting a cut document further gives what cutting it once would. */
function cutDocument(document: DocumentAnalysis, cut: DetailCut): DocumentAnalysis {
  let cutDown = DETAIL_LISTS.slice(0, cut.emptied).reduce((kept, list) => list.cut(kept, 0), document);
  const next = DETAIL_LISTS[cut.emptied];
  if (next !== undefined && cut.keep !== undefined) cutDown = next.cut(cutDown, cut.keep);
  return cutDown;
}

/**
 * The result's detail cut as little as it must be to fit in `maxBytes`, but no less than `from`
 * (its documents may already be cut that far), and that cut.
 */
function fitDetail(
  result: AnalysisResult,
  maxBytes: number,
  from: DetailCut,
): { fitted: AnalysisResult; cut: DetailCut } {
  const fits = (candidate: AnalysisResult) => encodedBytes(candidate) <= maxBytes;
  const cutTo = (cut: DetailCut): AnalysisResult => ({
    ...result,
    documents: result.documents.map((document) => cutDocument(document, cut)),
  });
  let fitted = cutTo(from);
  if (fits(fitted)) return { fitted, cut: from };
  for (let index = from.emptied; index < DETAIL_LISTS.length; index += 1) {
    const list = DETAIL_LISTS[index]!;
    const emptied = cutTo({ emptied: index + 1 });
    if (!fits(emptied)) {
      fitted = emptied;
      continue;
    }
    // The longest length that fits: cutTo(low) fits, cutTo(high) does not (at `high` it is the
    // result cut as before this list: the longest, or what `from` keeps).
    let low = 0;
    let high =
      index === from.emptied && from.keep !== undefined
        ? from.keep
        : result.documents.reduce((longest, document) => Math.max(longest, list.length(document)), 0);
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (fits(cutTo({ emptied: index, keep: middle }))) low = middle;
      else high = middle;
    }
    const cut = { emptied: index, keep: low };
    return { fitted: cutTo(cut), cut };
  }
  return { fitted, cut: { emptied: DETAIL_LISTS.length } };
}

/** The result within `maxBytes` when cutting detail lists can make it so; see the module's comment. */
export function withinBudget(
  result: AnalysisResult,
  maxBytes = ANALYSIS_RESULT_MAX_BYTES,
  failedMaxBytes = FAILED_MAX_BYTES,
  from: DetailCut = UNCUT,
): AnalysisResult {
  return fitDetail(withFailedWithin(result, failedMaxBytes), maxBytes, from).fitted;
}

/**
 * An analysis result built a document at a time and kept near its budget while it grows. A
 * job's documents were all held whole until it ended: some 370 KiB of heap a 50-page report
 * (comprehensive), so a job of a couple of thousand ran out of its thread's heap long before its
 * result was cut. Here a document is cut as far as the result already is when it arrives, and
 * once what was added since the last fit could pass the budget twice, the result is fitted
 * again. A cut found for fewer documents is never more than the one for more (each document's
 * share only shrinks), and the end's fit starts from it, so `result()` is what `withinBudget`
 * gives the whole result: every document is cut alike, never further than the whole needs.
 */
export class BudgetedResult {
  readonly #result: AnalysisResult;
  readonly #maxBytes: number;
  readonly #failedMaxBytes: number;
  #cut: DetailCut = UNCUT;
  /** The result's bytes at its last fit, plus those of each document added since (encoded alone). */
  #bytes = 0;

  constructor(
    analysisType: AnalysisResult['analysisType'],
    maxBytes = ANALYSIS_RESULT_MAX_BYTES,
    failedMaxBytes = FAILED_MAX_BYTES,
  ) {
    this.#result = { analysisType, documents: [], failed: [], failedOmitted: 0 };
    this.#maxBytes = maxBytes;
    this.#failedMaxBytes = failedMaxBytes;
  }

  /** What it holds now: the documents as cut so far, and every failed one. */
  get held(): Readonly<AnalysisResult> {
    return this.#result;
  }

  addDocument(document: DocumentAnalysis): void {
    const cut = cutDocument(document, this.#cut);
    this.#result.documents.push(cut);
    // With every list emptied, nothing more can be cut (the documents are the result): no need to measure.
    if (this.#cut.emptied >= DETAIL_LISTS.length) return;
    this.#bytes += documentAnalysisType.toBuffer(cut).length;
    if (this.#bytes > 2 * this.#maxBytes) this.#fit();
  }

  /** A failed document, kept whole until the end's fit lists the first ones within their share. */
  addFailed(entry: FailedDocument): void {
    this.#result.failed.push(entry);
  }

  /** The result within the budget, as `withinBudget` gives it. */
  result(): AnalysisResult {
    return withinBudget(this.#result, this.#maxBytes, this.#failedMaxBytes, this.#cut);
  }

  #fit(): void {
    // With the failed documents so far within their share: the end's share is at least as large.
    const { fitted, cut } = fitDetail(withFailedWithin(this.#result, this.#failedMaxBytes), this.#maxBytes, this.#cut);
    this.#result.documents = fitted.documents;
    this.#cut = cut;
    this.#bytes = encodedBytes(fitted);
  }
}
