/**
 * Lexicon sentiment of a sentence, with the three things a bare word count gets wrong:
 * - negation: a negator (`not`, `non`, `nessun`, `n't`) turns the polarity of the sentiment
 *   words in the next NEGATION_WINDOW words, softened (`not bad` is mildly good, not great);
 * - intensifiers and softeners (`very`, `molto`, `slightly`, `poco`) scale the next word;
 * - contrast: after `but`/`ma`/`però` the earlier part counts BEFORE_CONTRAST_WEIGHT, and a
 *   concessive clause (`although ...`, `anche se ...`) counts CONCESSIVE_WEIGHT up to its comma.
 * The sum is squashed into [-1, 1] (x / sqrt(x² + 1)); labels use LABEL_THRESHOLD.
 */
import type { Lexicon } from './lexicon.ts';

export const NEGATION_WINDOW = 3;
/** A negated word's polarity is multiplied by this (negative: it turns, and softens). */
export const NEGATION_FACTOR = -0.7;
export const BEFORE_CONTRAST_WEIGHT = 0.35;
export const CONCESSIVE_WEIGHT = 0.35;
/** |score| at or above which a sentence is POSITIVE or NEGATIVE rather than NEUTRAL. */
export const LABEL_THRESHOLD = 0.1;

export type Polarity = 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE';

export interface SentimentScore {
  label: Polarity;
  /** In [-1, 1]. */
  score: number;
  /** In [0, 1]: how far the score is from the label's boundary, and how much evidence there was. */
  confidence: number;
  /** Sentiment words that counted. */
  hits: number;
}

const TOKEN = /\p{L}[\p{L}\p{M}]*|[,;:.!?]/gu;

/** Lower-cased tokens, elisions split (`l'azienda` → azienda) and `n't` as `not`. */
export function sentimentTokens(text: string): string[] {
  const tokens: string[] = [];
  const normalised = text
    .toLowerCase()
    .replace(/n['’]t\b/g, ' not')
    .replace(/\p{L}+['’](?=\p{L})/gu, ' ');
  for (const [token] of normalised.matchAll(TOKEN)) tokens.push(token);
  return tokens;
}

/** Scores one sentence (or short passage) with `lexicon`. */
export function scoreSentence(text: string, lexicon: Lexicon): SentimentScore {
  const tokens = sentimentTokens(text);
  let sum = 0;
  let hits = 0;
  let negation = 0;
  let modifier = 1;
  let concessive = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    if (token === ',' || token === ';' || token === ':') {
      [negation, concessive] = [0, false];
      continue;
    }
    if (token === '.' || token === '!' || token === '?') {
      [negation, modifier, concessive] = [0, 1, false];
      continue;
    }
    if (lexicon.contrasts.has(token)) {
      sum *= BEFORE_CONTRAST_WEIGHT;
      [negation, modifier, concessive] = [0, 1, false];
      continue;
    }
    if (lexicon.concessives.has(token) && isConcessive(token, tokens[i + 1])) {
      concessive = true;
      continue;
    }
    if (lexicon.negators.has(token)) {
      negation = NEGATION_WINDOW + 1;
      continue;
    }
    const scale = lexicon.modifiers[token];
    if (scale !== undefined) {
      modifier *= scale;
      negation = Math.max(0, negation - 1);
      continue;
    }
    const polarity = lexicon.polarity(token);
    if (polarity !== undefined) {
      let value = polarity * modifier;
      if (negation > 0) value *= NEGATION_FACTOR;
      if (concessive) value *= CONCESSIVE_WEIGHT;
      sum += value;
      hits += 1;
      modifier = 1;
    }
    negation = Math.max(0, negation - 1);
  }
  return fromSum(sum, hits);
}

function isConcessive(token: string, next: string | undefined): boolean {
  if (token === 'anche' || token === 'even') return next === 'se' || next === 'though' || next === 'if';
  return true;
}

function fromSum(sum: number, hits: number): SentimentScore {
  const score = Math.round((sum / Math.sqrt(sum * sum + 1)) * 1000) / 1000;
  return { ...labelOf(score, hits), score, hits };
}

/** The label and confidence of a score backed by `hits` sentiment words. */
export function labelOf(score: number, hits: number): { label: Polarity; confidence: number } {
  const magnitude = Math.abs(score);
  const evidence = Math.min(1, hits / 3);
  if (magnitude < LABEL_THRESHOLD) {
    // Neutral with no sentiment word at all is fairly sure; a near-threshold score is not.
    const confidence = hits === 0 ? 0.7 : 0.5 + 0.4 * (1 - magnitude / LABEL_THRESHOLD);
    return { label: 'NEUTRAL', confidence: round3(confidence) };
  }
  const confidence = 0.5 + 0.3 * Math.min(1, (magnitude - LABEL_THRESHOLD) / 0.5) + 0.2 * evidence;
  return { label: score > 0 ? 'POSITIVE' : 'NEGATIVE', confidence: round3(Math.min(1, confidence)) };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;
