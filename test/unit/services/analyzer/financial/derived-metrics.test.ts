import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveMetrics, mergeMetrics } from '../../../../../services/analyzer/financial/derived-metrics.ts';
import type { Metric } from '../../../../../services/analyzer/financial/metric.ts';

const read = (
  name: string,
  period: string | null,
  value: number,
  place: string,
  unit: string | null = 'EUR',
): Metric => ({
  name,
  value,
  unit,
  period,
  formula: null,
  inputs: [],
  provenance: [place],
});

test('growth between consecutive periods of one kind, with its formula, inputs and provenance', () => {
  const derived = deriveMetrics([
    read('revenue', '2024-Q2', 1000, 'B3'),
    read('revenue', '2024-Q3', 1100, 'C3'),
    read('revenue', '2023', 3000, 'D3'),
    read('revenue', '2024-Q1', 800, 'A3'),
  ]);
  const growth = derived.filter((m) => m.name === 'revenue_growth');
  assert.deepEqual(
    growth.map((m) => [m.period, m.value]),
    [
      ['2024-Q2', 25],
      ['2024-Q3', 10],
    ],
  );
  assert.deepEqual(growth[1], {
    name: 'revenue_growth',
    value: 10,
    unit: '%',
    period: '2024-Q3',
    formula: '(revenue[2024-Q3] - revenue[2024-Q2]) / |revenue[2024-Q2]| * 100',
    inputs: ['revenue[2024-Q3]', 'revenue[2024-Q2]'],
    provenance: ['C3', 'B3'],
  });
});

test('no growth across a gap, from zero, or between units', () => {
  assert.deepEqual(deriveMetrics([read('revenue', '2022', 10, 'a'), read('revenue', '2024', 20, 'b')]), []);
  assert.deepEqual(deriveMetrics([read('costs', '2023', 0, 'a'), read('costs', '2024', 20, 'b')]), []);
  assert.deepEqual(deriveMetrics([read('costs', '2023', 10, 'a'), read('costs', '2024', 20, 'b', 'USD')]), []);
});

test('EBITDA and net margins per period over revenue, in %', () => {
  const derived = deriveMetrics([
    read('revenue', 'FY2024', 2000, 'B2'),
    read('ebitda', 'FY2024', 500, 'B3'),
    read('net_income', 'FY2024', 150, 'B4'),
    read('ebitda', 'FY2023', 400, 'C3'),
  ]);
  assert.deepEqual(
    derived.filter((m) => m.name.endsWith('margin')).map((m) => [m.name, m.period, m.value, m.formula, m.provenance]),
    [
      ['ebitda_margin', 'FY2024', 25, 'ebitda[FY2024] / revenue[FY2024] * 100', ['B3', 'B2']],
      ['net_margin', 'FY2024', 7.5, 'net_income[FY2024] / revenue[FY2024] * 100', ['B4', 'B2']],
    ],
  );
});

test('duplicates of one metric merge their provenance; a conflicting value keeps the first', () => {
  const merged = mergeMetrics([
    read('revenue', '2024', 10, 'B2'),
    read('revenue', '2024', 10, 's.3'),
    read('revenue', '2024', 11, 's.9'),
  ]);
  assert.deepEqual(merged, [{ ...read('revenue', '2024', 10, 'B2'), provenance: ['B2', 's.3'] }]);
});
