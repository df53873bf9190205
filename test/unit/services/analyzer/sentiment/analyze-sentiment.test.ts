import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSentiment } from '../../../../../services/analyzer/sentiment/analyze-sentiment.ts';

const section = (text: string, language: string | null) => ({ text, page: null, sheet: null, rows: null, language });

test('the document score is the mean of its opinionated sentences; each sentence is listed', () => {
  const summary = analyzeSentiment(
    [
      section(
        'The service was excellent. The office is in Milan. Delivery was fast and the staff were friendly.',
        'en',
      ),
    ],
    'en',
  );
  assert.equal(summary.label, 'POSITIVE');
  assert.equal(summary.supported, true);
  assert.equal(summary.method, 'lexicon');
  assert.deepEqual(
    summary.sentences.map((s) => s.label),
    ['POSITIVE', 'NEUTRAL', 'POSITIVE'],
  );
  const opinionated = summary.sentences.filter((s) => s.label !== 'NEUTRAL');
  assert.equal(summary.score, Math.round((opinionated.reduce((sum, s) => sum + s.score, 0) / 2) * 1000) / 1000);
});

test('each section is scored in its own language', () => {
  const summary = analyzeSentiment([section('Il servizio è pessimo.', 'it'), section('Terrible support.', 'en')], 'it');
  assert.deepEqual(
    summary.sentences.map((s) => [s.language, s.label]),
    [
      ['it', 'NEGATIVE'],
      ['en', 'NEGATIVE'],
    ],
  );
  assert.equal(summary.label, 'NEGATIVE');
});

test('a language without a lexicon is marked unsupported, not guessed', () => {
  const summary = analyzeSentiment([section('Der Service war ausgezeichnet.', 'de')], 'de');
  assert.deepEqual(summary, {
    label: 'NEUTRAL',
    score: 0,
    confidence: 0,
    supported: false,
    method: 'lexicon',
    sentences: [],
    probabilities: {},
  });
});
