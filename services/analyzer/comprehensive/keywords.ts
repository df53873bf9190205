/**
 * Keywords of a text: its most frequent content words, stopwords of its language removed
 * (the @nlpjs/lang-en and @nlpjs/lang-it lists, plus words every business document repeats).
 * Frequency over a document is what a reader skimming it sees; ties keep first-mention order.
 */
import { createRequire } from 'node:module';

/** Keywords returned per document. */
export const MAX_KEYWORDS = 10;

const require = createRequire(import.meta.url);
const EXTRA_STOPWORDS: Record<string, readonly string[]> = {
  en: ['also', 'would', 'could', 'one', 'two', 'may', 'new', 'per', 'year', 'years', 'page', 'sample'],
  it: [
    'anche',
    'essere',
    'stato',
    'stata',
    'stati',
    'sono',
    'della',
    'delle',
    'degli',
    'nel',
    'nella',
    'questo',
    'questa',
    'più',
    'per',
    'cui',
    'anno',
    'pagina',
    'esempio',
    'così',
  ],
};

const stopwordCache = new Map<string, ReadonlySet<string>>();

/** The stopwords of `language` (en, it); an empty set for any other language. */
export function stopwordsFor(language: string | null): ReadonlySet<string> {
  const key = language ?? '';
  let words = stopwordCache.get(key);
  if (words === undefined) {
    words = new Set([...libraryStopwords(key), ...(EXTRA_STOPWORDS[key] ?? [])]);
    stopwordCache.set(key, words);
  }
  return words;
}

function libraryStopwords(language: string): string[] {
  type StopwordsClass = new () => { dictionary: Record<string, boolean> };
  if (language === 'en')
    return Object.keys(new (require('@nlpjs/lang-en') as { StopwordsEn: StopwordsClass }).StopwordsEn().dictionary);
  if (language === 'it')
    return Object.keys(new (require('@nlpjs/lang-it') as { StopwordsIt: StopwordsClass }).StopwordsIt().dictionary);
  return [];
}

/** Counts content words into `counts` (a running tally over a document's sections). */
export function countKeywords(text: string, language: string | null, counts: Map<string, number>): void {
  const stopwords = stopwordsFor(language);
  for (const [word] of text.toLowerCase().matchAll(/\p{L}[\p{L}\p{M}]*(?:['’]\p{L}+)?/gu)) {
    const bare = word.replace(/^\p{L}+['’]/u, '');
    if (bare.length < 3 || stopwords.has(bare)) continue;
    counts.set(bare, (counts.get(bare) ?? 0) + 1);
  }
}

/** The MAX_KEYWORDS most frequent words of a tally, most frequent first (insertion order breaks ties). */
export function topKeywords(counts: ReadonlyMap<string, number>, limit = MAX_KEYWORDS): string[] {
  return [...counts.entries()]
    .map(([word, count], order) => ({ word, count, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, limit)
    .map(({ word }) => word);
}
