/**
 * The sentiment lexicon of a language: our own words (lexicon-en.ts, lexicon-it.ts) over the
 * @nlpjs lexicons (MIT; English ML-SentiCon stems, Italian stems), both looked up by Snowball
 * stem so inflected forms match. Our words win; the library's count at LIBRARY_WEIGHTS, as
 * our evaluation (npm run bench -- analysis) found them noisy (e.g. `correct` negative).
 * Built once per language per thread, on first use.
 */
import { createRequire } from 'node:module';
import type { SupportedLanguage } from '../text/detect-language.ts';
import {
  ENGLISH_CONCESSIVES,
  ENGLISH_CONTRASTS,
  ENGLISH_MODIFIERS,
  ENGLISH_NEGATORS,
  ENGLISH_WORDS,
} from './lexicon-en.ts';
import {
  ITALIAN_CONCESSIVES,
  ITALIAN_CONTRASTS,
  ITALIAN_MODIFIERS,
  ITALIAN_NEGATORS,
  ITALIAN_WORDS,
} from './lexicon-it.ts';

/**
 * Weight of the library's lexicon relative to ours, per language, as measured on the labelled
 * set (npm run bench -- analysis): the English ML-SentiCon stems cost 14 points of accuracy
 * (neutral sentences turn polar), the Italian lexicon adds 2.
 */
export const LIBRARY_WEIGHTS: Readonly<Record<SupportedLanguage, number>> = { en: 0, it: 0.5 };

interface Stemmer {
  stemWord(word: string): string;
}
interface LanguagePackage {
  stemmer: new () => Stemmer;
  senticon: Record<string, number>;
}

const require = createRequire(import.meta.url);

function libraryPackage(language: SupportedLanguage): LanguagePackage {
  if (language === 'it') {
    const pkg = require('@nlpjs/lang-it') as {
      StemmerIt: new () => Stemmer;
      SentimentIt: { pattern: Record<string, number> };
    };
    return { stemmer: pkg.StemmerIt, senticon: pkg.SentimentIt.pattern };
  }
  const pkg = require('@nlpjs/lang-en') as {
    StemmerEn: new () => Stemmer;
    SentimentEn: { senticon: Record<string, number> };
  };
  return { stemmer: pkg.StemmerEn, senticon: pkg.SentimentEn.senticon };
}

/** What the scorer needs to know about a language. */
export interface Lexicon {
  language: SupportedLanguage;
  /** Polarity of a lower-cased word, or undefined when it carries none. */
  polarity(word: string): number | undefined;
  negators: ReadonlySet<string>;
  modifiers: Readonly<Record<string, number>>;
  contrasts: ReadonlySet<string>;
  concessives: ReadonlySet<string>;
}

const lexicons = new Map<SupportedLanguage, Lexicon>();

/** The lexicon of `language`, built on first use. */
export function lexiconFor(language: SupportedLanguage): Lexicon {
  let lexicon = lexicons.get(language);
  if (lexicon === undefined) {
    lexicon = buildLexicon(language, LIBRARY_WEIGHTS[language]);
    lexicons.set(language, lexicon);
  }
  return lexicon;
}

/** A new lexicon of `language` whose library words count `libraryWeight` (0: ours only); the bench compares weights. */
export function buildLexicon(language: SupportedLanguage, libraryWeight: number): Lexicon {
  const { stemmer: Stemmer, senticon } = libraryPackage(language);
  const stemmer = new Stemmer();
  const words = language === 'it' ? ITALIAN_WORDS : ENGLISH_WORDS;
  const exact = new Map(Object.entries(words));
  const stems = new Map<string, number>();
  for (const [word, score] of exact) {
    const stem = stemmer.stemWord(word);
    if (!stems.has(stem)) stems.set(stem, score);
  }
  const cache = new Map<string, number | undefined>();
  const lookup = (word: string): number | undefined => {
    const own = exact.get(word);
    if (own !== undefined) return own;
    const stem = stemmer.stemWord(word);
    const byStem = stems.get(stem);
    if (byStem !== undefined) return byStem;
    const library = senticon[stem];
    return library === undefined || library === 0 || libraryWeight === 0 ? undefined : library * libraryWeight;
  };
  const polarity = (word: string): number | undefined => {
    if (cache.has(word)) return cache.get(word);
    let value: number | undefined;
    // Italian absolute superlatives (bellissimo, lentissimi): the base word, intensified; the
    // stemmer would map them to the base word's stem and lose the intensity.
    const base = language === 'it' ? /^(\p{L}{3,})issim[oaie]$/u.exec(word)?.[1] : undefined;
    if (base !== undefined && exact.get(word) === undefined) {
      const baseValue = lookup(`${base}o`) ?? lookup(`${base}e`);
      if (baseValue !== undefined) value = Math.max(-1, Math.min(1, baseValue * 1.4));
    }
    value ??= lookup(word);
    if (cache.size < 50_000) cache.set(word, value);
    return value;
  };
  return language === 'it'
    ? {
        language,
        polarity,
        negators: ITALIAN_NEGATORS,
        modifiers: ITALIAN_MODIFIERS,
        contrasts: ITALIAN_CONTRASTS,
        concessives: ITALIAN_CONCESSIVES,
      }
    : {
        language,
        polarity,
        negators: ENGLISH_NEGATORS,
        modifiers: ENGLISH_MODIFIERS,
        contrasts: ENGLISH_CONTRASTS,
        concessives: ENGLISH_CONCESSIVES,
      };
}
