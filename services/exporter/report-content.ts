/**
 * What a template lays out (pure): the request's content, checked against the exporter's
 * limits and normalised, with the report's language settled. Rendering a report the reader
 * cannot use (a table wider than its columns, KPI values that do not match the periods) or
 * one too large to lay out in bounded memory fails here, before any work, with a code.
 */
import type { ReportFinancials } from '../../schemas/report-financials.ts';
import type { ReportSection } from '../../schemas/report-section.ts';
import type { ReportTemplate } from '../../schemas/report-template.ts';
import { SedanoError } from '../lib/errors.ts';
import { guessLanguage, majorityLanguage, type ReportLanguage, reportLanguageOf } from './report-language.ts';
import { cleanLine } from './report-text.ts';

/** Limits on one report's content; each bounds the memory and time of its layout. */
export interface ReportLimits {
  /** Table rows over all sections. */
  maxTableRows: number;
  /** Columns of one table. */
  maxTableColumns: number;
  /** Sections of one report. */
  maxSections: number;
  /** Charts of one report (sections' and the template's). */
  maxCharts: number;
  /** Characters of one table cell; longer ones are cut with an ellipsis. */
  maxCellCharacters: number;
}

/** The content a template lays out. */
export interface ReportContent {
  title: string;
  template: ReportTemplate;
  language: ReportLanguage;
  sections: ReportSection[];
  financials: ReportFinancials | null;
  /** When the report is dated, in ms since the epoch (the job's submission, so a rerun renders the same bytes). */
  dateMs: number;
}

export interface ReportContentInput {
  title: string;
  template: ReportTemplate;
  sections: readonly ReportSection[];
  financials: ReportFinancials | null;
  /** The request's language; null: from the content. */
  language: string | null;
  /** Languages of the content's source documents (an analysis's), consulted before the text. */
  contentLanguages?: readonly (string | null)[];
  dateMs: number;
}

function invalid(message: string): SedanoError {
  return new SedanoError('SEDANO_ERR_EXPORT_CONTENT_INVALID', message, { retriable: false });
}

function tooLarge(message: string): SedanoError {
  return new SedanoError('SEDANO_ERR_EXPORT_TOO_LARGE', message, { retriable: false });
}

function* contentTexts(input: Pick<ReportContentInput, 'title' | 'sections'>): Generator<string> {
  yield input.title;
  for (const section of input.sections) {
    yield section.heading;
    yield* section.paragraphs;
    if (section.table !== null) yield* section.table.columns;
  }
}

function settleLanguage(
  input: Pick<ReportContentInput, 'language' | 'contentLanguages' | 'title' | 'sections'>,
): ReportLanguage {
  const requested = reportLanguageOf(input.language);
  if (requested !== undefined) return requested;
  return majorityLanguage(input.contentLanguages ?? []) ?? guessLanguage(contentTexts(input)) ?? 'en';
}

function checkSections(sections: readonly ReportSection[], limits: ReportLimits): ReportSection[] {
  if (sections.length > limits.maxSections) {
    throw tooLarge(`the report has ${sections.length} sections, more than ${limits.maxSections}`);
  }
  let rows = 0;
  return sections.map((section, index) => {
    const where = `section ${index + 1}`;
    const table = section.table;
    if (table === null) return section;
    if (table.columns.length === 0) throw invalid(`${where}: its table has no columns`);
    if (table.columns.length > limits.maxTableColumns) {
      throw tooLarge(`${where}: its table has ${table.columns.length} columns, more than ${limits.maxTableColumns}`);
    }
    rows += table.rows.length;
    if (rows > limits.maxTableRows) {
      throw tooLarge(`the report's tables have more than ${limits.maxTableRows} rows (at ${where})`);
    }
    table.rows.forEach((row, rowIndex) => {
      if (row.length > table.columns.length) {
        throw invalid(`${where}: row ${rowIndex + 1} has ${row.length} cells for ${table.columns.length} columns`);
      }
    });
    return section;
  });
}

function checkFinancials(financials: ReportFinancials | null): ReportFinancials | null {
  if (financials === null) return null;
  for (const kpi of financials.kpis) {
    if (kpi.values.length !== financials.periods.length) {
      throw invalid(
        `key figure "${cleanLine(kpi.name)}" has ${kpi.values.length} values for ${financials.periods.length} periods`,
      );
    }
    const outside = kpi.missing.find((position) => position < 0 || position >= financials.periods.length);
    if (outside !== undefined) throw invalid(`key figure "${cleanLine(kpi.name)}" lists missing period ${outside}`);
  }
  return financials;
}

/** The report's language: the request's, else its documents' (most of them), else its text's, else English. */
export function reportLanguage(
  input: Pick<ReportContentInput, 'language' | 'contentLanguages' | 'title' | 'sections'>,
): ReportLanguage {
  return settleLanguage(input);
}

/** The content of a report from its request; throws a coded, non-retriable error for content that cannot be laid out. */
export function reportContent(input: ReportContentInput, limits: ReportLimits): ReportContent {
  const sections = checkSections(input.sections, limits);
  const charts = sections.reduce((count, section) => count + section.charts.length, 0);
  if (charts > limits.maxCharts) throw tooLarge(`the report has ${charts} charts, more than ${limits.maxCharts}`);
  return {
    title: cleanLine(input.title),
    template: input.template,
    language: settleLanguage(input),
    sections,
    financials: checkFinancials(input.financials),
    dateMs: input.dateMs,
  };
}
