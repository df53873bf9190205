/**
 * KPI tables in spreadsheets and CSV files: a row of periods over rows of KPIs (`Ricavi |
 * 1.200 | 1.350`), or the transpose (a row of KPI names over rows that start with a period).
 * Each value carries its cell (`KPI!C3`); the unit comes from a currency and a scale written
 * in the label, the header or a title row above it (`Ricavi (€ migliaia)`, `Revenue, EUR k`).
 */
import { CURRENCY_SOURCE, currencyCode, SCALE_SOURCE, scaleMultiplier } from './currencies.ts';
import { kpiOfLabel, type Metric } from './metric.ts';
import { type NumberConvention, parseNumber } from './numbers.ts';
import { periodOfCell } from './extract-periods.ts';

/** A row of a table with its place: 1-based row number, sheet name when it has one. */
export interface TableRow {
  cells: string[];
  row: number;
  sheet: string | null;
}

const CURRENCY_IN = new RegExp(String.raw`(?:^|[^\p{L}])(${CURRENCY_SOURCE})`, 'iu');
const SCALE_IN = new RegExp(String.raw`(?:^|[\s(,/])(${SCALE_SOURCE})`, 'iu');

/** The cell reference of column `index` (0-based) in `row`: `KPI!C3`, or `C3` with no sheet. */
export function cellReference(row: TableRow, index: number): string {
  let column = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    column = String.fromCharCode(65 + ((n - 1) % 26)) + column;
  return `${row.sheet === null ? '' : `${row.sheet}!`}${column}${row.row}`;
}

interface Unit {
  currency: string | null;
  multiplier: number;
}

function unitOf(texts: readonly string[]): Unit {
  let currency: string | null = null;
  let multiplier = 1;
  for (const text of texts) {
    const c = CURRENCY_IN.exec(text)?.[1];
    if (currency === null && c !== undefined) currency = currencyCode(c) ?? null;
    const s = SCALE_IN.exec(text)?.[1];
    if (multiplier === 1 && s !== undefined) multiplier = scaleMultiplier(s) ?? 1;
  }
  return { currency, multiplier };
}

function cellNumber(
  cell: string,
  convention: NumberConvention,
): { value: number; currency: string | null } | undefined {
  const currency = CURRENCY_IN.exec(cell)?.[1];
  let text = cell.replace(new RegExp(CURRENCY_SOURCE, 'giu'), '').trim();
  const negative = /^\(.*\)$/.test(text) || /^[-−–]/.test(text);
  text = text.replace(/^[(\-−–]\s*|\)$/g, '').trim();
  if (!/^\d[\d.,\u00a0\u202f]*$/.test(text)) return undefined;
  const value = parseNumber(text, convention);
  if (Number.isNaN(value)) return undefined;
  return {
    value: negative ? -value : value,
    currency: currency === undefined ? null : (currencyCode(currency) ?? null),
  };
}

/** Every KPI value in the table `rows` (one sheet or one CSV, in row order). */
export function extractKpiTable(
  rows: readonly TableRow[],
  language: string | null,
  convention: NumberConvention,
): Metric[] {
  for (let h = 0; h < rows.length; h += 1) {
    const header = rows[h] as TableRow;
    const periods = header.cells.map((cell) => periodOfCell(cell, language));
    if (periods.filter((p) => p !== undefined).length >= 2) {
      return periodColumns(rows, h, periods, convention);
    }
    const kpis = header.cells.map((cell) => kpiOfLabel(cell));
    if (kpis.filter((k) => k !== undefined).length >= 2) return kpiColumns(rows, h, kpis, language, convention);
  }
  return [];
}

function periodColumns(
  rows: readonly TableRow[],
  h: number,
  periods: readonly (string | undefined)[],
  convention: NumberConvention,
): Metric[] {
  const header = rows[h] as TableRow;
  const titles = [...rows.slice(Math.max(0, h - 3), h).flatMap((row) => row.cells), header.cells[0] ?? ''];
  const metrics: Metric[] = [];
  for (const row of rows.slice(h + 1)) {
    const labelIndex = row.cells.findIndex((cell) => cell.trim() !== '');
    const label = row.cells[labelIndex] ?? '';
    const name = kpiOfLabel(label);
    if (name === undefined || periods[labelIndex] !== undefined) continue;
    const unit = unitOf([label, ...titles]);
    row.cells.forEach((cell, index) => {
      const period = periods[index];
      const number = period === undefined ? undefined : cellNumber(cell, convention);
      if (number === undefined || period === undefined) return;
      metrics.push(tableMetric(name, number, unit, period, cellReference(row, index)));
    });
  }
  return metrics;
}

function kpiColumns(
  rows: readonly TableRow[],
  h: number,
  kpis: readonly (string | undefined)[],
  language: string | null,
  convention: NumberConvention,
): Metric[] {
  const header = rows[h] as TableRow;
  const titles = rows.slice(Math.max(0, h - 3), h).flatMap((row) => row.cells);
  const metrics: Metric[] = [];
  for (const row of rows.slice(h + 1)) {
    const periodIndex = row.cells.findIndex((cell) => cell.trim() !== '');
    const period = periodOfCell(row.cells[periodIndex] ?? '', language);
    if (period === undefined) continue;
    row.cells.forEach((cell, index) => {
      const name = kpis[index];
      const number = name === undefined ? undefined : cellNumber(cell, convention);
      if (number === undefined || name === undefined) return;
      const unit = unitOf([header.cells[index] ?? '', ...titles]);
      metrics.push(tableMetric(name, number, unit, period, cellReference(row, index)));
    });
  }
  return metrics;
}

function tableMetric(
  name: string,
  number: { value: number; currency: string | null },
  unit: Unit,
  period: string,
  cell: string,
): Metric {
  return {
    name,
    value: Math.round(number.value * unit.multiplier * 100) / 100,
    unit: number.currency ?? unit.currency,
    period,
    formula: null,
    inputs: [],
    provenance: [cell],
  };
}

/** The rows of a spreadsheet section's text (cells joined with ` | `, one row per line). */
export function sectionRows(text: string, firstRow: number, sheet: string | null): TableRow[] {
  return text.split('\n').map((line, i) => ({ cells: line.split(' | '), row: firstRow + i, sheet }));
}
