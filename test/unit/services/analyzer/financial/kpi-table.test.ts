import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellReference, extractKpiTable, sectionRows } from '../../../../../services/analyzer/financial/kpi-table.ts';

const brief = (metrics: ReturnType<typeof extractKpiTable>) =>
  metrics.map((m) => `${m.name} ${m.period} ${m.value} ${m.unit} ${m.provenance.join(',')}`);

test('periods across, KPIs down, with the unit and scale of the title row (Italian)', () => {
  const rows = sectionRows(
    'Conto economico (€ migliaia)\nVoce | Q1 2024 | Q2 2024\nRicavi | 1.200 | 1.350\nEBITDA | 240 | 270\nUtile netto | 100 | (20)\nNote | a | b',
    1,
    'KPI',
  );
  assert.deepEqual(brief(extractKpiTable(rows, 'it', 'comma-decimal')), [
    'revenue 2024-Q1 1200000 EUR KPI!B3',
    'revenue 2024-Q2 1350000 EUR KPI!C3',
    'ebitda 2024-Q1 240000 EUR KPI!B4',
    'ebitda 2024-Q2 270000 EUR KPI!C4',
    'net_income 2024-Q1 100000 EUR KPI!B5',
    'net_income 2024-Q2 -20000 EUR KPI!C5',
  ]);
});

test('KPIs across, periods down (English CSV), currencies in the cells', () => {
  const rows = sectionRows(
    'Period | Revenue | Operating costs | Net income\nFY2023 | $1,000.50 | $800 | $150\nFY2024 | $1,200 | $900 | $210',
    1,
    null,
  );
  assert.deepEqual(brief(extractKpiTable(rows, 'en', 'dot-decimal')), [
    'revenue FY2023 1000.5 USD B2',
    'costs FY2023 800 USD C2',
    'net_income FY2023 150 USD D2',
    'revenue FY2024 1200 USD B3',
    'costs FY2024 900 USD C3',
    'net_income FY2024 210 USD D3',
  ]);
});

test('a table with no period header or KPI header gives nothing; cost of sales is not revenue', () => {
  assert.deepEqual(extractKpiTable(sectionRows('id | note\n1 | hello\n2 | world', 1, null), 'en', 'dot-decimal'), []);
  const rows = sectionRows('Line | 2023 | 2024\nCost of sales | 10 | 12\nSales | 20 | 25', 1, null);
  assert.deepEqual(
    extractKpiTable(rows, 'en', 'dot-decimal').map((m) => `${m.name} ${m.period} ${m.value}`),
    ['costs 2023 10', 'costs 2024 12', 'revenue 2023 20', 'revenue 2024 25'],
  );
});

test('cell references count columns like a spreadsheet', () => {
  const row = { cells: [], row: 7, sheet: 'Data' };
  assert.equal(cellReference(row, 0), 'Data!A7');
  assert.equal(cellReference(row, 25), 'Data!Z7');
  assert.equal(cellReference(row, 27), 'Data!AB7');
  assert.equal(cellReference({ ...row, sheet: null }, 2), 'C7');
});
