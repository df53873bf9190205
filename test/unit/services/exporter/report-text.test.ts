import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanLine, cleanParagraph } from '../../../../services/exporter/report-text.ts';

test('control characters are removed and tabs and line breaks become spaces in a line', () => {
  assert.equal(cleanLine('Ri\u0000cavi\u0007 \t2024\r\n  totale\u007f\u0085'), 'Ricavi 2024 totale');
});

test('right-to-left marks, embeddings, overrides and isolates are removed', () => {
  assert.equal(cleanLine('\u200fRicavi\u200e \u202eevil\u202c \u2067x\u2069 \ufeffè'), 'Ricavi evil x è');
});

test('a paragraph keeps its line breaks (one per run) and drops blank lines', () => {
  assert.equal(cleanParagraph('prima riga\r\n\r\n\u000bseconda\u200f riga\n\n'), 'prima riga\nseconda riga');
});

test('accented letters and the euro sign are kept', () => {
  assert.equal(cleanLine('perché è così: 1.234,56 €'), 'perché è così: 1.234,56 €');
});
