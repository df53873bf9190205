import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { analyzeFinancial } from '../../../../../services/analyzer/financial/analyze-financial.ts';
import { resolveDocumentLimits } from '../../../../../services/indexer/documents/limits.ts';
import { loadXlsx } from '../../../../../services/indexer/documents/loaders/xlsx.ts';

const prose = (text: string, language: string, page: number | null = null) => ({
  text,
  page,
  sheet: null,
  rows: null,
  language,
});

test('KPIs in sentences pair amounts with periods, and growth is derived from them', () => {
  const summary = analyzeFinancial(
    [
      prose(
        'Nel terzo trimestre 2024 i ricavi sono stati pari a 12,5 milioni di euro, contro 11,5 milioni del secondo trimestre 2024. ' +
          "L'EBITDA del terzo trimestre 2024 è stato di 2,5 milioni di euro.",
        'it',
        3,
      ),
    ],
    'it',
  );
  assert.equal(summary.numberFormat, 'comma-decimal');
  assert.deepEqual(summary.periods, ['2024-Q3', '2024-Q2']);
  const metrics = Object.fromEntries(summary.metrics.map((m) => [`${m.name}[${m.period}]`, m]));
  assert.equal(metrics['revenue[2024-Q3]']?.value, 12_500_000);
  assert.equal(metrics['revenue[2024-Q2]']?.value, 11_500_000);
  assert.match(metrics['revenue[2024-Q3]']?.provenance[0] ?? '', /^p\.3 s\.1: Nel terzo trimestre/);
  assert.equal(metrics['revenue_growth[2024-Q3]']?.value, 8.7);
  assert.equal(metrics['ebitda_margin[2024-Q3]']?.value, 20);
});

test('a spreadsheet section is read as a table; its rows are not split as sentences', () => {
  const summary = analyzeFinancial(
    [
      { text: 'KPI | Q1 2024 | Q2 2024', page: null, sheet: 'KPI', rows: [1, 1], language: null },
      { text: 'Revenue | 100 | 120\nEBITDA | 20 | 30', page: null, sheet: 'KPI', rows: [2, 3], language: null },
    ],
    'en',
  );
  assert.deepEqual(
    summary.metrics.map((m) => `${m.name}[${m.period}]=${m.value} ${m.provenance.join(',')}`),
    [
      'revenue[2024-Q1]=100 KPI!B2',
      'revenue[2024-Q2]=120 KPI!C2',
      'ebitda[2024-Q1]=20 KPI!B3',
      'ebitda[2024-Q2]=30 KPI!C3',
      'revenue_growth[2024-Q2]=20 KPI!C2,KPI!B2',
      'ebitda_growth[2024-Q2]=50 KPI!C3,KPI!B3',
      'ebitda_margin[2024-Q1]=20 KPI!B3,KPI!B2',
      'ebitda_margin[2024-Q2]=25 KPI!C3,KPI!C2',
    ],
  );
});

test('amounts keep their context; an Italian document quoting dollars the English way is read that way', () => {
  const summary = analyzeFinancial(
    [prose('Il fornitore chiede USD 1,234.50 e poi USD 2,000.00 a marzo 2024.', 'it')],
    'it',
  );
  assert.equal(summary.numberFormat, 'dot-decimal');
  assert.deepEqual(
    summary.amounts.map((a) => [a.value, a.currency]),
    [
      [1234.5, 'USD'],
      [2000, 'USD'],
    ],
  );
  assert.match(summary.amounts[0]?.context ?? '', /USD 1,234\.50/);
});

test('a workbook whose period headers are date cells gives its KPIs per date, as the XLSX loader shows them', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('KPI');
  sheet.addRow(['KPI', new Date(Date.UTC(2024, 2, 31)), new Date(Date.UTC(2024, 5, 30))]);
  sheet.addRow(['Ricavi', 1_000_000, 1_200_000]);
  const sections = [];
  for await (const section of loadXlsx(new Uint8Array(await workbook.xlsx.writeBuffer()), resolveDocumentLimits())) {
    sections.push({
      text: section.text,
      page: null,
      sheet: section.sheet ?? null,
      rows: section.rows ?? null,
      language: 'it',
    });
  }
  const summary = analyzeFinancial(sections, 'it');
  const metrics = Object.fromEntries(summary.metrics.map((m) => [`${m.name}[${m.period}]`, m.value]));
  assert.equal(metrics['revenue[2024-03-31]'], 1_000_000);
  assert.equal(metrics['revenue[2024-06-30]'], 1_200_000);
});
