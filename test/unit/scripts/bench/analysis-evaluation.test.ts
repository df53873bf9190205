import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classificationFigures,
  financialFigures,
  loadFinancialExamples,
  loadSentimentExamples,
} from '../../../../scripts/bench/analysis-evaluation.ts';
import { parseAnalysisOptions } from '../../../../scripts/bench/analysis.ts';

test('the labelled set has what the issue asks: 150+ sentences per language, a quarter hard, 60+ financial passages', () => {
  for (const language of ['en', 'it']) {
    const examples = loadSentimentExamples(language);
    assert.ok(examples.length >= 150, `${language}: ${examples.length}`);
    assert.ok(examples.filter((e) => e.kind !== 'plain').length >= examples.length / 4, language);
    assert.ok(examples.every((e) => ['POSITIVE', 'NEUTRAL', 'NEGATIVE'].includes(e.label) && e.text.length > 0));
  }
  for (const language of ['en-holdout', 'it-holdout'])
    assert.ok(loadSentimentExamples(language).length >= 40, language);
  const financial = loadFinancialExamples();
  assert.ok(financial.length >= 60);
  for (const language of ['en', 'it']) assert.ok(financial.filter((e) => e.language === language).length >= 25);
});

test('accuracy and macro-F1 are computed over the three labels', () => {
  const examples = [
    { label: 'POSITIVE' as const, kind: 'plain', text: 'a' },
    { label: 'NEGATIVE' as const, kind: 'negation', text: 'b' },
    { label: 'NEUTRAL' as const, kind: 'plain', text: 'c' },
    { label: 'POSITIVE' as const, kind: 'contrast', text: 'd' },
  ];
  const figures = classificationFigures(examples, (text) => (text === 'b' ? 'NEGATIVE' : 'POSITIVE'));
  assert.equal(figures.accuracy, 0.75);
  assert.equal(figures.hardAccuracy, 1);
  // F1: positive 2·2/(2·2+1+0)=0.8, negative 1, neutral 0.
  assert.equal(Math.round(figures.macroF1 * 1000), 600);
});

test('financial figures count matches as multisets, per field', () => {
  const figures = financialFigures([
    {
      language: 'en',
      text: 'Revenue of $5m and $5m in Q3 2024, up 3%.',
      amounts: [[5e6, 'USD']],
      percentages: [3],
      periods: ['2024-Q3'],
    },
  ]);
  const amount = figures.find((f) => f.field === 'amount');
  assert.deepEqual(
    [amount?.expected, amount?.found, amount?.matched, amount?.precision, amount?.recall],
    [1, 2, 1, 0.5, 1],
  );
});

test('bench options are whole numbers of at least 1', () => {
  assert.deepEqual(parseAnalysisOptions([]), { documents: 40, pages: 25 });
  assert.deepEqual(parseAnalysisOptions(['--documents', '3', '--pages', '2']), { documents: 3, pages: 2 });
  assert.throws(() => parseAnalysisOptions(['--pages', '0']), /--pages/);
});
