import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateFormatKind, serialDateText } from '../../../../../../services/indexer/documents/loaders/xlsx-dates.ts';

test('dateFormatKind: the built-in date and time formats by id', () => {
  assert.equal(dateFormatKind(14, undefined), 'date');
  assert.equal(dateFormatKind(20, undefined), 'time');
  assert.equal(dateFormatKind(22, undefined), 'datetime');
  assert.equal(dateFormatKind(31, undefined), 'date');
  for (const id of [0, 1, 2, 4, 9, 10, 11, 37, 44, 49])
    assert.equal(dateFormatKind(id, undefined), undefined, `id ${id}`);
});

test('dateFormatKind: a custom format by its letters outside quotes, escapes and brackets', () => {
  const kinds: [string, ReturnType<typeof dateFormatKind>][] = [
    ['dd/mm/yyyy', 'date'],
    ['[$-410]mmmm yyyy', 'date'],
    ['mmm', 'date'],
    ['yyyy-mm-dd hh:mm:ss', 'datetime'],
    ['h:mm AM/PM', 'time'],
    ['mm:ss', 'time'],
    ['[h]:mm:ss', undefined],
    ['General', undefined],
    ['#,##0.00 "mln"', undefined],
    ['0.0" days"', undefined],
    ['[Red]#,##0;[Blue]-#,##0', undefined],
    ['#,##0\\ \\m', undefined],
    ['0.00E+00', undefined],
    ['@', undefined],
  ];
  for (const [code, kind] of kinds) assert.equal(dateFormatKind(164, code), kind, code);
});

test('serialDateText: dates, times and both, in either date system', () => {
  assert.equal(serialDateText(45382, 'date', false), '2024-03-31');
  assert.equal(serialDateText(45382.6041666667, 'date', false), '2024-03-31');
  assert.equal(serialDateText(45382.6041666667, 'datetime', false), '2024-03-31T14:30:00');
  assert.equal(serialDateText(45382, 'datetime', false), '2024-03-31');
  assert.equal(serialDateText(0.75, 'time', false), '18:00:00');
  assert.equal(serialDateText(45382.25, 'time', false), '06:00:00');
  assert.equal(serialDateText(43920, 'date', true), '2024-03-31');
  assert.equal(serialDateText(0, 'date', true), '1904-01-01');
});

test('serialDateText: the 1900 system before March 1900, and what is no date', () => {
  assert.equal(serialDateText(1, 'date', false), '1900-01-01');
  assert.equal(serialDateText(59, 'date', false), '1900-02-28');
  assert.equal(serialDateText(61, 'date', false), '1900-03-01');
  assert.equal(serialDateText(-3, 'date', false), '-3');
  assert.equal(serialDateText(Number.POSITIVE_INFINITY, 'date', false), 'Infinity');
});
