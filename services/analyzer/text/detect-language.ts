/**
 * Language detection with `eld` (Efficient Language Detector, n-gram based, 60 languages, no
 * network): per text, and per document from its sections, so that a document mixing an
 * Italian report with an English appendix is analysed section by section in the right
 * language. The medium database is used: it tells Italian from Spanish and Portuguese on
 * sentences of a few words, which the small one does not always do.
 */
import { eld } from 'eld/medium';

/** Languages with a sentiment lexicon and number conventions of their own. */
export const SUPPORTED_LANGUAGES = ['en', 'it'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];

/** A detection: an ISO 639-1 code, or null when the text has too few letters to tell. */
export interface LanguageGuess {
  language: string | null;
  /** eld's own judgement that the guess is reliable. */
  reliable: boolean;
}

/** Letters needed before a guess is attempted (fewer gives noise, e.g. a table of numbers). */
export const MIN_LETTERS = 12;
/** Characters of a text that are looked at: the first ones are enough and keep it fast. */
export const SAMPLE_CHARS = 2_000;

/** Detects the language of `text`; null when it has fewer than MIN_LETTERS letters. */
export function detectLanguage(text: string): LanguageGuess {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_LETTERS) return { language: null, reliable: false };
  const result = eld.detect(sample);
  const language = result.language === '' || result.language === 'und' ? null : result.language;
  return { language, reliable: language !== null && result.isReliable() };
}

/** The base language of a BCP 47 tag (`it-IT` → `it`), lower-cased. */
export function baseLanguage(tag: string): string {
  return (tag.split(/[-_]/)[0] ?? tag).toLowerCase();
}

/** Whether `language` (a base code) has sentiment support. */
export function isSupportedLanguage(language: string | null): language is SupportedLanguage {
  return language !== null && (SUPPORTED_LANGUAGES as readonly string[]).includes(language);
}

/**
 * The language of a whole document from its sections' guesses, weighted by their length in
 * characters: the language of most of the text, or null when no section could be told.
 */
export function documentLanguage(sections: readonly { language: string | null; characters: number }[]): string | null {
  const weights = new Map<string, number>();
  for (const { language, characters } of sections) {
    if (language !== null) weights.set(language, (weights.get(language) ?? 0) + characters);
  }
  let best: string | null = null;
  let bestWeight = 0;
  for (const [language, weight] of weights) {
    if (weight > bestWeight) [best, bestWeight] = [language, weight];
  }
  return best;
}
