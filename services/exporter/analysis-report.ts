/**
 * A report's content from an analysis job's result (pure, but for reading that result through
 * the injected `readJobResult`). A financial analysis becomes the financial template's
 * figures: its metrics grouped by name over their periods (amounts, percentages, plain
 * numbers), revenue marked for the bar chart and margins for the line chart; every analysis
 * adds a section per kind of finding and one listing the documents that failed.
 *
 * The job must be an analysis that succeeded and is still in the status view: an unknown or
 * expired job, one still running or one that failed fails the export at once with a code
 * (waiting would hold a worker for a job that may never finish).
 */
import type { AnalysisResult } from '../../schemas/analysis-result.ts';
import type { DocumentAnalysis } from '../../schemas/document-analysis.ts';
import type { FinancialMetric } from '../../schemas/financial-metric.ts';
import type { ReportFinancials } from '../../schemas/report-financials.ts';
import type { ReportKpi } from '../../schemas/report-kpi.ts';
import type { ReportSection } from '../../schemas/report-section.ts';
import type { ReportValueFormat } from '../../schemas/report-value-format.ts';
import { SedanoError } from '../lib/errors.ts';
import type { ReportLanguage } from './report-language.ts';
import { cleanLine } from './report-text.ts';

/** A job as the status view knows it: its state and its result (the view's unwrapped form, with `kind`). */
export interface JobResultLookup {
  state: string;
  result: unknown;
}

/** Reads a job's state and result; undefined for a job the view does not know (or whose result expired). */
export type ReadJobResult = (jobId: string) => Promise<JobResultLookup | undefined>;

/** What an analysis contributes to a report. */
export interface AnalysisContent {
  financials: ReportFinancials | null;
  sections: ReportSection[];
  /** Languages of the analysed documents, for the report's language. */
  languages: (string | null)[];
}

const ANALYSIS_RESULT_KIND = 'sedano.AnalysisResult';

function failure(code: 'NOT_FOUND' | 'NOT_FINISHED' | 'UNUSABLE', message: string): SedanoError {
  return new SedanoError(`SEDANO_ERR_EXPORT_ANALYSIS_${code}`, message, { retriable: false });
}

/** The analysis result of `jobId`; throws a coded, non-retriable error when there is none to use. */
export async function readAnalysisResult(jobId: string, readJobResult: ReadJobResult): Promise<AnalysisResult> {
  const job = await readJobResult(jobId);
  if (job === undefined) throw failure('NOT_FOUND', `analysis job ${jobId} is not known, or its result has expired`);
  if (job.state !== 'SUCCESS') {
    throw failure('NOT_FINISHED', `analysis job ${jobId} is ${job.state}, not SUCCESS`);
  }
  const result = job.result as (AnalysisResult & { kind?: string }) | null;
  if (result === null || typeof result !== 'object' || result.kind !== ANALYSIS_RESULT_KIND) {
    throw failure('UNUSABLE', `job ${jobId} is not an analysis (its result is ${result?.kind ?? 'empty'})`);
  }
  return result;
}

const PERIOD_PARTS = /(\d{4})(?:\D+(?:q|t)?([1-4])\b)?|(?:q|t)([1-4])\D*(\d{4})/i;

/** A sort key for a period label (`2024` < `Q1 2024` = `2024-Q1` < `2025`); unknown shapes sort last, by label. */
export function periodSortKey(period: string): [number, string] {
  const match = PERIOD_PARTS.exec(period);
  if (match === null) return [Number.MAX_SAFE_INTEGER, period];
  const year = Number(match[1] ?? match[4]);
  const quarter = Number(match[2] ?? match[3] ?? 0);
  return [year * 10 + quarter, period];
}

function formatOf(unit: string | null): { format: ReportValueFormat; currency?: string } {
  if (unit === null) return { format: 'NUMBER' };
  const trimmed = unit.trim();
  if (trimmed === '%') return { format: 'PERCENT' };
  if (trimmed === '€') return { format: 'CURRENCY', currency: 'EUR' };
  if (/^[A-Z]{3}$/.test(trimmed)) return { format: 'CURRENCY', currency: trimmed };
  return { format: 'NUMBER' };
}

/**
 * Readers' names of the metrics the analyzer names by key (`revenue`, `ebitda_margin`, …); a
 * name it does not list is shown with its underscores as spaces and a capital first letter.
 */
const METRIC_LABELS: Record<string, Record<ReportLanguage, string>> = {
  revenue: { it: 'Ricavi', en: 'Revenue' },
  costs: { it: 'Costi', en: 'Costs' },
  ebitda: { it: 'EBITDA', en: 'EBITDA' },
  ebit: { it: 'EBIT', en: 'EBIT' },
  net_income: { it: 'Utile netto', en: 'Net income' },
  ebitda_margin: { it: 'Margine EBITDA', en: 'EBITDA margin' },
  net_margin: { it: 'Margine netto', en: 'Net margin' },
};

/** The name a report shows for an analysis metric (pure). */
export function metricLabel(name: string, language: ReportLanguage): string {
  const known = METRIC_LABELS[name.trim().toLowerCase()];
  if (known !== undefined) return known[language];
  const spaced = cleanLine(name.replace(/_/g, ' '));
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

// The analyzer's derived period-over-period growth (`revenue_growth`): the template computes
// growth itself, from the figures, so these are left out when their figure is there.
const DERIVED_GROWTH = /^(.+)_growth$/;

const REVENUE = /revenue|sales|turnover|ricavi|fatturato|vendite/i;
const MARGIN = /margin|margine/i;

function chartOf(name: string, format: ReportValueFormat): ReportKpi['chart'] {
  if (format === 'CURRENCY' && REVENUE.test(name)) return 'BAR';
  if (format === 'PERCENT' && MARGIN.test(name)) return 'LINE';
  return null;
}

/** Key figures per period from the analysis' metrics (null when it has none). */
export function financialsOf(
  documents: readonly DocumentAnalysis[],
  language: ReportLanguage,
): ReportFinancials | null {
  const all: FinancialMetric[] = documents.flatMap((document) => document.financial?.metrics ?? []);
  const names = new Set(all.map((metric) => metric.name));
  const metrics = all.filter((metric) => {
    const base = DERIVED_GROWTH.exec(metric.name)?.[1];
    return base === undefined || !names.has(base);
  });
  if (metrics.length === 0) return null;
  const overall = language === 'it' ? 'Totale' : 'Total';
  const periodOf = (metric: FinancialMetric): string => cleanLine(metric.period ?? '') || overall;
  const periods = [...new Set(metrics.map(periodOf))].sort((a, b) => {
    const [ka, la] = periodSortKey(a);
    const [kb, lb] = periodSortKey(b);
    return ka - kb || la.localeCompare(lb);
  });
  const byName = new Map<string, { unit: string | null; values: Map<string, number> }>();
  let currency = 'EUR';
  for (const metric of metrics) {
    const name = metricLabel(metric.name, language);
    const entry = byName.get(name) ?? { unit: metric.unit, values: new Map() };
    // The first value of a name in a period wins: documents are in the analysis' order.
    if (!entry.values.has(periodOf(metric))) entry.values.set(periodOf(metric), metric.value);
    byName.set(name, entry);
    currency = formatOf(metric.unit).currency ?? currency;
  }
  const kpis: ReportKpi[] = [...byName].map(([name, { unit, values }]) => {
    const { format } = formatOf(unit);
    return {
      name,
      format,
      values: periods.map((period) => values.get(period) ?? 0),
      missing: periods.flatMap((period, index) => (values.has(period) ? [] : [index])),
      chart: chartOf(name, format),
    };
  });
  return { currency, periods, kpis };
}

function documentsSection(result: AnalysisResult, language: ReportLanguage): ReportSection | null {
  if (result.documents.length === 0) return null;
  const it = language === 'it';
  return {
    heading: it ? 'Documenti analizzati' : 'Documents analysed',
    paragraphs: [],
    table: {
      columns: it ? ['Documento', 'Lingua', 'Importi', 'Periodi'] : ['Document', 'Language', 'Amounts', 'Periods'],
      rows: result.documents.map((document) => [
        document.documentId,
        document.language ?? '',
        // Every amount found, listed or left out by the result's size budget.
        String(document.financial === null ? 0 : document.financial.amounts.length + document.financial.amountsOmitted),
        (document.financial?.periods ?? []).join(', '),
      ]),
    },
    charts: [],
  };
}

function sentimentSection(result: AnalysisResult, language: ReportLanguage): ReportSection | null {
  const rows = result.documents.flatMap((document) =>
    document.sentiment === null
      ? []
      : [
          [
            document.documentId,
            document.sentiment.label,
            document.sentiment.score.toFixed(2),
            document.sentiment.confidence.toFixed(2),
          ],
        ],
  );
  if (rows.length === 0) return null;
  const it = language === 'it';
  return {
    heading: it ? 'Sentiment' : 'Sentiment',
    paragraphs: [],
    table: {
      columns: it ? ['Documento', 'Esito', 'Punteggio', 'Confidenza'] : ['Document', 'Label', 'Score', 'Confidence'],
      rows,
    },
    charts: [],
  };
}

function statisticsSection(result: AnalysisResult, language: ReportLanguage): ReportSection | null {
  const rows = result.documents.flatMap((document) => {
    const statistics = document.statistics;
    if (statistics === null) return [];
    return [
      [
        document.documentId,
        String(statistics.words),
        String(statistics.sentences),
        statistics.keywords.slice(0, 8).join(', '),
      ],
    ];
  });
  if (rows.length === 0) return null;
  const it = language === 'it';
  return {
    heading: it ? 'Statistiche del testo' : 'Text statistics',
    paragraphs: [],
    table: {
      columns: it ? ['Documento', 'Parole', 'Frasi', 'Parole chiave'] : ['Document', 'Words', 'Sentences', 'Keywords'],
      rows,
    },
    charts: [],
  };
}

function failedSection(result: AnalysisResult, language: ReportLanguage): ReportSection | null {
  if (result.failed.length === 0) return null;
  const it = language === 'it';
  const omitted = result.failedOmitted;
  return {
    heading: it ? 'Documenti non analizzati' : 'Documents not analysed',
    paragraphs:
      omitted === 0
        ? []
        : [
            it
              ? `Altri ${omitted} documenti non analizzati non sono elencati.`
              : `${omitted} more documents not analysed are not listed.`,
          ],
    table: {
      columns: it ? ['Documento', 'Codice', 'Motivo'] : ['Document', 'Code', 'Reason'],
      rows: result.failed.map((failed) => [failed.source, failed.code, failed.reason]),
    },
    charts: [],
  };
}

/** The languages of an analysis' documents. */
export function analysisLanguages(result: AnalysisResult): (string | null)[] {
  return result.documents.map((document) => document.language);
}

/** The report content of an analysis result, written in `language`. */
export function analysisContent(result: AnalysisResult, language: ReportLanguage): AnalysisContent {
  const sections = [
    documentsSection(result, language),
    sentimentSection(result, language),
    statisticsSection(result, language),
    failedSection(result, language),
  ].filter((section) => section !== null);
  return { financials: financialsOf(result.documents, language), sections, languages: analysisLanguages(result) };
}
