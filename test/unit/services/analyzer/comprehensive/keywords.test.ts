import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countKeywords, stopwordsFor, topKeywords } from '../../../../../services/analyzer/comprehensive/keywords.ts';

test('keywords are the most frequent content words, stopwords of the language removed', () => {
  const counts = new Map<string, number>();
  countKeywords(
    "Il fatturato dell'azienda cresce. Il fatturato e i margini crescono; l'azienda investe.",
    'it',
    counts,
  );
  assert.deepEqual(topKeywords(counts, 3), ['fatturato', 'azienda', 'cresce']);
  const english = new Map<string, number>();
  countKeywords('The revenue of the group and the revenue of the region were up.', 'en', english);
  assert.deepEqual(topKeywords(english, 2), ['revenue', 'group']);
});

test('stopword lists exist for en and it; other languages get none', () => {
  assert.ok(stopwordsFor('en').has('the') && stopwordsFor('it').has('della'));
  assert.equal(stopwordsFor('de').size, 0);
});
