/**
 * Scoring of the analysers against the labelled set in test/fixtures/analysis/ (pure apart
 * from reading the files): sentiment accuracy and macro-F1 per language, and financial
 * extraction precision/recall/F1 per field (amount+currency, percentage, period).
 */
import { readFileSync } from 'node:fs';
import { analyzeFinancial } from '../../services/analyzer/financial/analyze-financial.ts';
import type { Lexicon } from '../../services/analyzer/sentiment/lexicon.ts';
import { type Polarity, scoreSentence } from '../../services/analyzer/sentiment/score-sentiment.ts';

export const FIXTURES_DIR = new URL('../../test/fixtures/analysis/', import.meta.url).pathname;

export interface SentimentExample {
  label: Polarity;
  /** plain, negation or contrast. */
  kind: string;
  text: string;
}

export interface FinancialExample {
  language: string;
  text: string;
  amounts: [number, string][];
  percentages: number[];
  periods: string[];
}

/** The sentiment examples of `language` (en, it). */
export function loadSentimentExamples(language: string): SentimentExample[] {
  return readFileSync(`${FIXTURES_DIR}sentiment-${language}.tsv`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [label, kind, text] = line.split('\t') as [string, string, string];
      return { label: label.toUpperCase() as Polarity, kind, text };
    });
}

/** The financial passages: the development set, or (`holdout`) the one never used to tune. */
export function loadFinancialExamples(set: 'development' | 'holdout' = 'development'): FinancialExample[] {
  const file = set === 'holdout' ? 'financial-holdout.json' : 'financial.json';
  return JSON.parse(readFileSync(`${FIXTURES_DIR}${file}`, 'utf8')) as FinancialExample[];
}

export interface ClassificationFigures {
  examples: number;
  accuracy: number;
  macroF1: number;
  /** Accuracy over the negation and contrast examples only. */
  hardAccuracy: number;
}

/** Accuracy and macro-F1 of `predict` over `examples`. */
export function classificationFigures(
  examples: readonly SentimentExample[],
  predict: (text: string) => Polarity,
): ClassificationFigures {
  const labels: Polarity[] = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'];
  const predictions = examples.map((example) => predict(example.text));
  const correct = predictions.filter((p, i) => p === examples[i]?.label).length;
  const hard = examples.map((e, i) => ({ e, p: predictions[i] })).filter(({ e }) => e.kind !== 'plain');
  const f1s = labels.map((label) => {
    const tp = predictions.filter((p, i) => p === label && examples[i]?.label === label).length;
    const fp = predictions.filter((p, i) => p === label && examples[i]?.label !== label).length;
    const fn = predictions.filter((p, i) => p !== label && examples[i]?.label === label).length;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return {
    examples: examples.length,
    accuracy: correct / examples.length,
    macroF1: f1s.reduce((a, b) => a + b, 0) / labels.length,
    hardAccuracy: hard.filter(({ e, p }) => e.label === p).length / Math.max(1, hard.length),
  };
}

/** The lexicon scorer as a predictor. */
export function lexiconPredictor(lexicon: Lexicon): (text: string) => Polarity {
  return (text) => scoreSentence(text, lexicon).label;
}

export interface FieldFigures {
  field: string;
  expected: number;
  found: number;
  matched: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 per field of the financial extraction over `examples`. */
export function financialFigures(examples: readonly FinancialExample[]): FieldFigures[] {
  const tally = { amount: [0, 0, 0], percentage: [0, 0, 0], period: [0, 0, 0] } as Record<
    string,
    [number, number, number]
  >;
  for (const example of examples) {
    const found = analyzeFinancial(
      [{ text: example.text, page: null, sheet: null, rows: null, language: example.language }],
      example.language,
    );
    count(
      tally['amount']!,
      example.amounts.map(([v, c]) => `${round(v)} ${c}`),
      found.amounts.map((a) => `${round(a.value)} ${a.currency}`),
    );
    count(
      tally['percentage']!,
      example.percentages.map((p) => `${round(p)}`),
      found.percentages.map((p) => `${round(p)}`),
    );
    count(tally['period']!, example.periods, found.periods);
  }
  return Object.entries(tally).map(([field, [expected, foundCount, matched]]) => {
    const precision = foundCount === 0 ? 1 : matched / foundCount;
    const recall = expected === 0 ? 1 : matched / expected;
    return {
      field,
      expected,
      found: foundCount,
      matched,
      precision,
      recall,
      f1: (2 * precision * recall) / (precision + recall || 1),
    };
  });
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function count(tally: [number, number, number], expected: readonly string[], found: readonly string[]): void {
  const remaining = [...expected];
  let matched = 0;
  for (const item of found) {
    const index = remaining.indexOf(item);
    if (index >= 0) {
      remaining.splice(index, 1);
      matched += 1;
    }
  }
  tally[0] += expected.length;
  tally[1] += found.length;
  tally[2] += matched;
}

/** Examples whose amounts, percentages or periods differ from what is expected (for tuning). */
export function financialMisses(examples: readonly FinancialExample[]): string[] {
  const misses: string[] = [];
  for (const example of examples) {
    const found = analyzeFinancial(
      [{ text: example.text, page: null, sheet: null, rows: null, language: example.language }],
      example.language,
    );
    const got = JSON.stringify([
      found.amounts.map((a) => [round(a.value), a.currency]),
      found.percentages.map(round),
      found.periods,
    ]);
    const want = JSON.stringify([
      example.amounts.map(([v, c]) => [round(v), c]),
      example.percentages.map(round),
      example.periods,
    ]);
    if (got !== want) misses.push(`${example.text}\n  expected ${want}\n  found    ${got}`);
  }
  return misses;
}
