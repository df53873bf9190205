import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contextAround,
  extractAmounts,
  extractPercentages,
} from '../../../../../services/analyzer/financial/extract-amounts.ts';

const amounts = (text: string, convention: 'comma-decimal' | 'dot-decimal') =>
  extractAmounts(text, convention).map((a) => [a.value, a.currency]);

test('currencies from symbols, ISO codes and words, before or after the number', () => {
  assert.deepEqual(amounts('€ 1.234,56, 5.000 EUR, 30 euro, 12 sterline, 7 dollari', 'comma-decimal'), [
    [1234.56, 'EUR'],
    [5000, 'EUR'],
    [30, 'EUR'],
    [12, 'GBP'],
    [7, 'USD'],
  ]);
  assert.deepEqual(amounts('$1,250, USD 3,750,000, £12.5, 9.99 CHF, ¥500, 40 pounds', 'dot-decimal'), [
    [1250, 'USD'],
    [3750000, 'USD'],
    [12.5, 'GBP'],
    [9.99, 'CHF'],
    [500, 'JPY'],
    [40, 'GBP'],
  ]);
});

test('scale words multiply: k, m, bn, mln, milioni, mld, miliardi, million, thousand', () => {
  assert.deepEqual(amounts('$1.2bn, €2.35m, 250k EUR, 1.5 million euros, €880 thousand', 'dot-decimal'), [
    [1.2e9, 'USD'],
    [2.35e6, 'EUR'],
    [250e3, 'EUR'],
    [1.5e6, 'EUR'],
    [880e3, 'EUR'],
  ]);
  assert.deepEqual(
    amounts(
      '1,2 milioni di euro, 3,2 mln di euro, 1,05 mld di euro, 2,5 miliardi di euro, 430 mila euro',
      'comma-decimal',
    ),
    [
      [1.2e6, 'EUR'],
      [3.2e6, 'EUR'],
      [1.05e9, 'EUR'],
      [2.5e9, 'EUR'],
      [430e3, 'EUR'],
    ],
  );
});

test('a scaled number without a currency borrows the nearest one of its sentence, not of another', () => {
  assert.deepEqual(
    amounts('Ricavi di 540 milioni di euro contro 500 milioni nel 2023. Poi 3 milioni di clienti.', 'comma-decimal'),
    [
      [540e6, 'EUR'],
      [500e6, 'EUR'],
    ],
  );
});

test('plain numbers, years, quarters and percentages are not amounts', () => {
  assert.deepEqual(amounts('In Q3 2024 we shipped 7,800 orders, up 12%; 3Q24 and FY2024.', 'dot-decimal'), []);
});

test('percentages with sign, space and words', () => {
  const found = extractPercentages('up 4.5%, -3,2 % e 15 per cento, 7 percent, 12,5%', 'dot-decimal').map(
    (p) => p.value,
  );
  assert.deepEqual(found.slice(0, 4), [4.5, -3.2, 15, 7]);
  assert.deepEqual(
    extractPercentages('del 12,5% e -2,5%', 'comma-decimal').map((p) => p.value),
    [12.5, -2.5],
  );
});

test('the context is the text around the amount, on one line', () => {
  const text = 'Line one.\nRevenue reached $1.2bn in the quarter,\nwhich was a record for the group as a whole.';
  const [amount] = extractAmounts(text, 'dot-decimal');
  assert.ok(amount);
  const context = contextAround(text, amount.start, amount.end, 20);
  assert.match(context, /^….*\$1\.2bn.*…$/);
  assert.ok(!context.includes('\n'));
});
