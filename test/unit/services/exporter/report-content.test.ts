import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReportSection } from '../../../../schemas/report-section.ts';
import { resolveExporterOptions } from '../../../../services/exporter/exporter-options.ts';
import { type ReportContentInput, reportContent } from '../../../../services/exporter/report-content.ts';
import { guessLanguage, majorityLanguage, reportLanguageOf } from '../../../../services/exporter/report-language.ts';
import { isSedanoError } from '../../../../services/lib/errors.ts';

const { limits } = resolveExporterOptions();

function input(overrides: Partial<ReportContentInput> = {}): ReportContentInput {
  return { title: 'T', template: 'DEFAULT', sections: [], financials: null, language: null, dateMs: 0, ...overrides };
}

function section(rows: string[][], columns = ['a', 'b']): ReportSection {
  return { heading: 'h', paragraphs: [], table: { columns, rows }, charts: [] };
}

function assertCode(run: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, code);
    assert.equal(error.retriable, false);
    assert.match(error.message, pattern);
    return true;
  });
}

test("the language is the request's, else the documents', else the text's, else English", () => {
  assert.equal(reportContent(input({ language: 'it-IT' }), limits).language, 'it');
  assert.equal(reportContent(input({ language: 'fr', contentLanguages: ['it'] }), limits).language, 'it');
  assert.equal(reportContent(input({ contentLanguages: ['en', 'it', 'it'] }), limits).language, 'it');
  assert.equal(reportContent(input({ title: 'I ricavi della società per il 2024' }), limits).language, 'it');
  assert.equal(reportContent(input({ title: 'The revenue of the year' }), limits).language, 'en');
  assert.equal(reportContent(input({ title: '2024' }), limits).language, 'en');
  assert.equal(reportLanguageOf('EN_gb'), 'en');
  assert.equal(majorityLanguage([null, 'de']), undefined);
  assert.equal(guessLanguage([]), undefined);
});

test('the title is cleaned of control characters and bidi marks, and a path-like title stays text', () => {
  assert.equal(reportContent(input({ title: '\u202e../../etc/passwd\u0000' }), limits).title, '../../etc/passwd');
});

test('a table row with more cells than columns, or a table without columns, is refused with a code', () => {
  assertCode(
    () => reportContent(input({ sections: [section([['1', '2', '3']])] }), limits),
    'SEDANO_ERR_EXPORT_CONTENT_INVALID',
    /section 1: row 1 has 3 cells for 2 columns/,
  );
  assertCode(
    () => reportContent(input({ sections: [section([], [])] }), limits),
    'SEDANO_ERR_EXPORT_CONTENT_INVALID',
    /no columns/,
  );
});

test('a short row is accepted (its missing cells are blank)', () => {
  assert.equal(reportContent(input({ sections: [section([['1']])] }), limits).sections.length, 1);
});

test('more table rows than the limit, over all sections, is refused as too large', () => {
  const small = { ...limits, maxTableRows: 5 };
  const rows = Array.from({ length: 3 }, () => ['1', '2']);
  assertCode(
    () => reportContent(input({ sections: [section(rows), section(rows)] }), small),
    'SEDANO_ERR_EXPORT_TOO_LARGE',
    /more than 5 rows \(at section 2\)/,
  );
});

test('KPI values that do not match the periods are refused, naming the figure', () => {
  const financials = {
    currency: 'EUR',
    periods: ['2023', '2024'],
    kpis: [{ name: 'Ricavi', format: 'CURRENCY' as const, values: [1], missing: [], chart: null }],
  };
  assertCode(
    () => reportContent(input({ financials }), limits),
    'SEDANO_ERR_EXPORT_CONTENT_INVALID',
    /"Ricavi" has 1 values for 2 periods/,
  );
});

test('options resolve with defaults and report every bad value at once', () => {
  const resolved = resolveExporterOptions({ maxTableRows: 10 });
  assert.equal(resolved.limits.maxTableRows, 10);
  assert.equal(resolved.limits.maxTableColumns, 20);
  assert.throws(() => resolveExporterOptions({ maxTableRows: 0, maxCharts: 1.5 }), /maxTableRows.*maxCharts/);
});
