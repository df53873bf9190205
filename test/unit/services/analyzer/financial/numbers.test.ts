import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  languageConvention,
  numberConvention,
  parseNumber,
} from '../../../../../services/analyzer/financial/numbers.ts';

test('Italian writes 1.234,56 and English 1,234.56: both read as 1234.56 under their convention', () => {
  assert.equal(parseNumber('1.234,56', 'comma-decimal'), 1234.56);
  assert.equal(parseNumber('1,234.56', 'dot-decimal'), 1234.56);
  assert.equal(parseNumber('12.345.678', 'comma-decimal'), 12345678);
  assert.equal(parseNumber('12,345,678.9', 'dot-decimal'), 12345678.9);
});

test('two kinds of separator, or a repeated one, are never ambiguous, whatever the convention', () => {
  assert.equal(parseNumber('1.234,56', 'dot-decimal'), 1234.56);
  assert.equal(parseNumber('1,234.56', 'comma-decimal'), 1234.56);
  assert.equal(parseNumber('1,234,567', 'comma-decimal'), 1234567);
});

test('the ambiguous 1,234 and 1.234 follow the convention: grouping in its own separator, decimal otherwise', () => {
  assert.equal(parseNumber('1,234', 'dot-decimal'), 1234);
  assert.equal(parseNumber('1,234', 'comma-decimal'), 1.234);
  assert.equal(parseNumber('1.234', 'comma-decimal'), 1234);
  assert.equal(parseNumber('1.234', 'dot-decimal'), 1.234);
  // Not three digits after it: always a decimal.
  assert.equal(parseNumber('3,5', 'dot-decimal'), 3.5);
  assert.equal(parseNumber('12.75', 'comma-decimal'), 12.75);
  assert.equal(parseNumber('1\u00a0234', 'comma-decimal'), 1234);
});

test('the document convention comes from its unambiguous numbers, else from its language', () => {
  assert.equal(numberConvention('Il fornitore chiede USD 1,234.50 e 2,500.00', 'it'), 'dot-decimal');
  assert.equal(numberConvention('Revenue of 1.234,56 EUR and 3,5%', 'en'), 'comma-decimal');
  assert.equal(numberConvention('Costa 1.234 euro', 'it'), 'comma-decimal');
  assert.equal(numberConvention('Costs 1,234 euros', 'en'), 'dot-decimal');
  assert.equal(languageConvention(null), 'dot-decimal');
  assert.equal(languageConvention('de'), 'comma-decimal');
});
