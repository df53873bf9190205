/**
 * The financial analysis of one document: amounts with their currency, percentages, periods,
 * KPIs from tables and sentences, and the metrics derived from them (derived-metrics.ts).
 * Numbers are read with one convention for the whole document (numbers.ts), decided from its
 * unambiguous numbers and, failing those, its language. Lists are capped (MAX_FINDINGS) so
 * that a 5,000-page report yields a result that still fits in a message.
 */
import type { AnalysisSection } from '../analysis-section.ts';
import { sectionPlace } from '../analysis-section.ts';
import { splitSentences } from '../text/sentences.ts';
import { deriveMetrics, mergeMetrics } from './derived-metrics.ts';
import { contextAround, extractAmounts, extractPercentages } from './extract-amounts.ts';
import { extractPeriods } from './extract-periods.ts';
import { extractKpiSentence } from './kpi-sentences.ts';
import { extractKpiTable, sectionRows, type TableRow } from './kpi-table.ts';
import type { Metric } from './metric.ts';
import { type NumberConvention, numberConvention } from './numbers.ts';

/** Most amounts, percentages, periods and metrics kept per document (the first ones, in order). */
export const MAX_FINDINGS = 500;

export interface FinancialSummary {
  amounts: { value: number; currency: string; context: string | null }[];
  percentages: number[];
  /** Distinct periods in order of first mention. */
  periods: string[];
  /** KPIs read from tables and sentences, then the derived ones. */
  metrics: Metric[];
  /** The number convention the document was read with. */
  numberFormat: NumberConvention;
}

/** Analyses the sections of one document; `language` is the document's (sections may override it). */
export function analyzeFinancial(sections: readonly AnalysisSection[], language: string | null): FinancialSummary {
  const convention = numberConvention(sampleText(sections), language);
  const summary: FinancialSummary = {
    amounts: [],
    percentages: [],
    periods: [],
    metrics: [],
    numberFormat: convention,
  };
  const periods = new Set<string>();
  const read: Metric[] = [];
  let sentenceNumber = 0;
  for (const table of tables(sections))
    read.push(...extractKpiTable(table.rows, table.language ?? language, convention));
  for (const section of sections) {
    const sectionLanguage = section.language ?? language;
    const place = sectionPlace(section);
    const pieces = section.rows === null ? splitSentences(section.text) : [{ text: section.text, start: 0 }];
    for (const piece of pieces) {
      sentenceNumber += 1;
      const amounts = extractAmounts(piece.text, convention);
      const found = extractPeriods(piece.text, sectionLanguage);
      for (const amount of amounts) {
        if (summary.amounts.length >= MAX_FINDINGS) break;
        summary.amounts.push({
          value: amount.value,
          currency: amount.currency,
          context: contextAround(piece.text, amount.start, amount.end),
        });
      }
      for (const percentage of extractPercentages(piece.text, convention)) {
        if (summary.percentages.length < MAX_FINDINGS) summary.percentages.push(percentage.value);
      }
      for (const { period } of found) if (periods.size < MAX_FINDINGS) periods.add(period);
      if (section.rows === null) {
        read.push(
          ...extractKpiSentence(piece.text, amounts, found, `${place === '' ? '' : `${place} `}s.${sentenceNumber}`),
        );
      }
    }
  }
  const merged = mergeMetrics(read);
  summary.metrics = [...merged, ...deriveMetrics(merged)].slice(0, MAX_FINDINGS);
  summary.periods = [...periods];
  return summary;
}

/** Up to 20,000 characters from the start of the document: enough to see how it writes numbers. */
function sampleText(sections: readonly AnalysisSection[]): string {
  let text = '';
  for (const section of sections) {
    if (text.length > 20_000) break;
    text += `${section.text}\n`;
  }
  return text;
}

/** Consecutive spreadsheet sections of one sheet (or one CSV) as one table of rows. */
function tables(sections: readonly AnalysisSection[]): { rows: TableRow[]; language: string | null }[] {
  const found: { rows: TableRow[]; language: string | null; sheet: string | null }[] = [];
  for (const section of sections) {
    if (section.rows === null) continue;
    const rows = sectionRows(section.text, section.rows[0], section.sheet);
    const last = found.at(-1);
    if (last !== undefined && last.sheet === section.sheet) last.rows.push(...rows);
    else found.push({ rows, language: section.language, sheet: section.sheet });
  }
  return found;
}
