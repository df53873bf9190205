import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitSentences, words } from '../../../../../services/analyzer/text/sentences.ts';

const texts = (text: string) => splitSentences(text).map((s) => s.text);

test('sentences end at terminal punctuation before a capital, and at line breaks', () => {
  assert.deepEqual(texts('Revenue grew. Costs fell! Why? Because.\nNew line here'), [
    'Revenue grew.',
    'Costs fell!',
    'Why?',
    'Because.',
    'New line here',
  ]);
});

test('numbers, abbreviations, initials and company forms do not end a sentence', () => {
  assert.deepEqual(texts('Ricavi di 1.234,56 euro per Rossi S.p.A. e il dott. Bianchi. J. Smith agreed.'), [
    'Ricavi di 1.234,56 euro per Rossi S.p.A. e il dott. Bianchi.',
    'J. Smith agreed.',
  ]);
  assert.deepEqual(texts('It cost $1.5m. Then it rose.'), ['It cost $1.5m.', 'Then it rose.']);
});

test('offsets point at each sentence in the source; blank input gives none', () => {
  const text = '  First one.  Second one.';
  for (const sentence of splitSentences(text))
    assert.equal(text.slice(sentence.start, sentence.start + sentence.text.length), sentence.text);
  assert.deepEqual(splitSentences(' \n '), []);
});

test('words keep elisions and numbers whole', () => {
  assert.deepEqual(words("L'utile è 1.234,5 — dell'anno"), ["L'utile", 'è', '1.234,5', "dell'anno"]);
});
