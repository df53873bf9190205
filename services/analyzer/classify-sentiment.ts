/**
 * Sentiment from a trained classifier (`modelId`) instead of the lexicon: the document's text
 * (its first MAX_CLASSIFIED_CHARS) gets the document's label and probabilities, and each
 * listed sentence its own label. A label that is not POSITIVE/NEUTRAL/NEGATIVE (a classifier
 * of topics, say) is kept in `probabilities` and the label reads NEUTRAL; the score is
 * P(positive) - P(negative) when the classifier has those labels, else 0.
 */
import type { SectionText } from './analyze-document.ts';
import type { TextClassifier } from './classifier-port.ts';
import type { SentimentSummary } from './sentiment/analyze-sentiment.ts';
import type { Polarity } from './sentiment/score-sentiment.ts';

/** Characters of a document handed to the classifier. */
export const MAX_CLASSIFIED_CHARS = 20_000;

const polarityOf = (label: string): Polarity => {
  const upper = label.toUpperCase();
  return upper === 'POSITIVE' || upper === 'NEGATIVE' ? upper : 'NEUTRAL';
};

const probabilityOf = (probabilities: Record<string, number>, label: string): number => {
  const key = Object.keys(probabilities).find((k) => k.toUpperCase() === label);
  return key === undefined ? 0 : (probabilities[key] ?? 0);
};

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** The lexicon's summary with its labels replaced by the classifier's. */
export async function classifySentiment(
  classifier: TextClassifier,
  sections: readonly SectionText[],
  lexicon: SentimentSummary,
): Promise<SentimentSummary> {
  const text = sections
    .map((s) => s.text)
    .join('\n')
    .slice(0, MAX_CLASSIFIED_CHARS);
  const [document, ...sentences] = await classifier.classify([text, ...lexicon.sentences.map((s) => s.text)]);
  if (document === undefined) return lexicon;
  const score = (p: Record<string, number>) => round3(probabilityOf(p, 'POSITIVE') - probabilityOf(p, 'NEGATIVE'));
  return {
    label: polarityOf(document.label),
    score: score(document.probabilities),
    confidence: round3(Math.max(0, ...Object.values(document.probabilities))),
    supported: true,
    method: `model:${classifier.modelName}@${classifier.version}`,
    probabilities: document.probabilities,
    sentences: lexicon.sentences.map((sentence, i) => {
      const labelled = sentences[i];
      if (labelled === undefined) return sentence;
      return {
        ...sentence,
        label: polarityOf(labelled.label),
        score: score(labelled.probabilities),
        confidence: round3(Math.max(0, ...Object.values(labelled.probabilities))),
      };
    }),
  };
}
