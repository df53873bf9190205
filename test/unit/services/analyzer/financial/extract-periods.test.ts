import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  extractPeriods,
  periodOfCell,
  periodOrder,
} from '../../../../../services/analyzer/financial/extract-periods.ts';

const periods = (text: string, language: string | null = 'en') => extractPeriods(text, language).map((p) => p.period);

test('quarters in every common form, English and Italian', () => {
  assert.deepEqual(periods("Q3 2024, 3Q24, Q1'25, third quarter of 2023, Q4"), [
    '2024-Q3',
    '2024-Q3',
    '2025-Q1',
    '2023-Q3',
    'Q4',
  ]);
  assert.deepEqual(
    periods('terzo trimestre 2024, 1° trimestre 2025, II trimestre 2025, quarto trimestre del 2023', 'it'),
    ['2024-Q3', '2025-Q1', '2025-Q2', '2023-Q4'],
  );
});

test('halves, fiscal years, months and plain years', () => {
  assert.deepEqual(periods('H1 2024, 1H25, second half of 2023, FY2024, FY24, fiscal year 2022'), [
    '2024-H1',
    '2025-H1',
    '2023-H2',
    'FY2024',
    'FY2024',
    'FY2022',
  ]);
  assert.deepEqual(periods('primo semestre 2024, esercizio 2023, anno fiscale 2022, marzo 2024, nel 2021', 'it'), [
    '2024-H1',
    'FY2023',
    'FY2022',
    '2024-03',
    '2021',
  ]);
});

test('date ranges come from chrono-node, with the year written', () => {
  assert.deepEqual(periods('From January 1, 2024 to March 31, 2024 we spent more.'), ['2024-01-01/2024-03-31']);
  assert.deepEqual(periods('Dal 1 gennaio 2024 al 31 marzo 2024 abbiamo speso di più.', 'it'), [
    '2024-01-01/2024-03-31',
  ]);
  assert.deepEqual(periods('See you on Monday, or today.'), []);
});

test('years inside amounts and numbers are not periods', () => {
  assert.deepEqual(periods('It cost 2.024,50 euro and 1,2019 units; 2024.'), ['2024']);
});

test('periods sort within their kind; a cell is a period only when it is one whole', () => {
  const keys = ['2024-Q2', '2024-Q3', '2025-Q1'].map((p) => periodOrder(p)?.key ?? 0);
  assert.ok(keys[0]! < keys[1]! && keys[1]! < keys[2]!);
  assert.equal(periodOrder('2024-Q3')?.kind, 'quarter');
  assert.equal(periodOrder('FY2024')?.kind, periodOrder('2024')?.kind);
  assert.equal(periodOrder('Q3'), undefined);
  assert.equal(periodOfCell(' Q3 2024 ', 'en'), '2024-Q3');
  assert.equal(periodOfCell('1° trimestre 2024', 'it'), '2024-Q1');
  assert.equal(periodOfCell('Ricavi 2024', 'it'), undefined);
  assert.equal(periodOfCell('2024 2025', 'it'), undefined);
});
