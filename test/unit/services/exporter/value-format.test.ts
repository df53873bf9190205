import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartNumberLocale } from '../../../../services/exporter/charts/chart-locale.ts';
import { createValueFormatter, growthPercent } from '../../../../services/exporter/value-format.ts';

const NBSP = '\u00a0';

test('amounts are written in the report locale: 1.234,56 € in Italian, €1,234.56 in English', () => {
  const it = createValueFormatter('it', 'EUR', 'n.d.');
  const en = createValueFormatter('en', 'EUR', 'n/a');
  assert.equal(it.format(1234.56, 'CURRENCY'), `1.234,56${NBSP}€`);
  assert.equal(en.format(1234.56, 'CURRENCY'), '€1,234.56');
  assert.equal(it.format(1_234_560, 'CURRENCY'), `1.234.560,00${NBSP}€`);
  assert.equal(it.format(-42, 'CURRENCY'), `-42,00${NBSP}€`);
});

test('percentages are values in percent; plain numbers are grouped', () => {
  const it = createValueFormatter('it', 'EUR', 'n.d.');
  const en = createValueFormatter('en', 'EUR', 'n/a');
  assert.equal(it.format(12.5, 'PERCENT'), '12,5%');
  assert.equal(en.format(12.5, 'PERCENT'), '12.5%');
  assert.equal(it.format(1234, 'NUMBER'), '1.234');
  assert.equal(en.format(1234.567, 'NUMBER'), '1,234.57');
});

test('a missing or non-finite value is written as not available', () => {
  const it = createValueFormatter('it', 'EUR', 'n.d.');
  assert.equal(it.format(null, 'CURRENCY'), 'n.d.');
  assert.equal(it.format(Number.NaN, 'NUMBER'), 'n.d.');
  assert.deepEqual(it.growth(null), { mark: '', text: 'n.d.' });
});

test('an unknown currency code is written after the amount', () => {
  assert.equal(createValueFormatter('en', 'XYZ1', 'n/a').format(10, 'CURRENCY'), '10.00 XYZ1');
});

test('growth carries its sign and an up, down or flat mark; percentages change in points', () => {
  const it = createValueFormatter('it', 'EUR', 'n.d.');
  const en = createValueFormatter('en', 'EUR', 'n/a');
  assert.deepEqual(it.growth(12.54), { mark: '▲', text: '+12,5%' });
  assert.deepEqual(en.growth(-3), { mark: '▼', text: '-3.0%' });
  assert.deepEqual(en.growth(0.01), { mark: '=', text: '0.0%' });
  assert.deepEqual(it.points(2.34), { mark: '▲', text: `+2,3${NBSP}p.p.` });
  assert.deepEqual(en.points(-1), { mark: '▼', text: `-1.0${NBSP}pp` });
});

test('growth from a zero or missing base has no meaning', () => {
  assert.equal(growthPercent(100, 112.5), 12.5);
  assert.equal(growthPercent(-100, -50), 50);
  assert.equal(growthPercent(0, 10), null);
  assert.equal(growthPercent(null, 10), null);
});

test("the charts' number locale puts the currency where the language does", () => {
  assert.deepEqual(chartNumberLocale('it', 'EUR'), {
    decimal: ',',
    thousands: '.',
    grouping: [3],
    currency: ['', `${NBSP}€`],
  });
  assert.deepEqual(chartNumberLocale('en', 'EUR'), {
    decimal: '.',
    thousands: ',',
    grouping: [3],
    currency: ['€', ''],
  });
});
