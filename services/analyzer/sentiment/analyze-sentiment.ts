/**
 * Sentiment of a document: each sentence scored in its section's language (score-sentiment.ts),
 * and the document's score the mean of the sentences that carry sentiment, so that a long
 * report's neutral prose does not wash out what its opinions say. A language without a
 * lexicon (anything but en and it) gets no guess: `supported` is false and the label NEUTRAL.
 */
import type { AnalysisSection } from '../analysis-section.ts';
import { isSupportedLanguage } from '../text/detect-language.ts';
import { splitSentences } from '../text/sentences.ts';
import { lexiconFor } from './lexicon.ts';
import { labelOf, type Polarity, scoreSentence } from './score-sentiment.ts';

/** Most sentences listed per document (all are scored; the first ones are listed). */
export const MAX_LISTED_SENTENCES = 200;

export interface SentenceSentiment {
  text: string;
  label: Polarity;
  score: number;
  confidence: number;
  language: string | null;
}

export interface SentimentSummary {
  label: Polarity;
  score: number;
  confidence: number;
  /** False when the document's language has no sentiment support: the label is then no judgement. */
  supported: boolean;
  /** The analyser used: `lexicon` here, `model:<name>@<version>` with a trained classifier. */
  method: string;
  sentences: SentenceSentiment[];
  /** Per-label probabilities from a trained classifier; empty for the lexicon. */
  probabilities: Record<string, number>;
}

/** The sentiment of a document from its sections; `language` is the document's. */
export function analyzeSentiment(sections: readonly AnalysisSection[], language: string | null): SentimentSummary {
  const sentences: SentenceSentiment[] = [];
  let sum = 0;
  let counted = 0;
  let hits = 0;
  let supported = false;
  for (const section of sections) {
    const sectionLanguage = section.language ?? language;
    if (!isSupportedLanguage(sectionLanguage)) continue;
    supported = true;
    const lexicon = lexiconFor(sectionLanguage);
    for (const sentence of splitSentences(section.text)) {
      const result = scoreSentence(sentence.text, lexicon);
      if (result.hits > 0) {
        sum += result.score;
        counted += 1;
        hits += result.hits;
      }
      if (sentences.length < MAX_LISTED_SENTENCES) {
        const { label, score, confidence } = result;
        const text = sentence.text.length > 300 ? `${sentence.text.slice(0, 297)}…` : sentence.text;
        sentences.push({ text, label, score, confidence, language: sectionLanguage });
      }
    }
  }
  if (!supported) {
    return {
      label: 'NEUTRAL',
      score: 0,
      confidence: 0,
      supported: false,
      method: 'lexicon',
      sentences: [],
      probabilities: {},
    };
  }
  const score = counted === 0 ? 0 : Math.round((sum / counted) * 1000) / 1000;
  return { ...labelOf(score, hits), score, supported, method: 'lexicon', sentences, probabilities: {} };
}
