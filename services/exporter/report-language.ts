/**
 * The language a report is written in (pure): the request's, else the content's (the
 * languages its analysed documents were given or detected in, else a count of common
 * Italian and English words in its text), else English. Only Italian and English have
 * labels; any other tag falls back to English.
 */

/** A language the templates have labels for. */
export type ReportLanguage = 'it' | 'en';

export const REPORT_LANGUAGES: readonly ReportLanguage[] = ['it', 'en'];

/** The report language of a BCP 47 tag (`it-IT` → `it`), undefined for one without labels. */
export function reportLanguageOf(tag: string | null | undefined): ReportLanguage | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return REPORT_LANGUAGES.find((language) => language === primary);
}

const COMMON_WORDS: Record<ReportLanguage, ReadonlySet<string>> = {
  it: new Set([
    'il',
    'la',
    'di',
    'che',
    'e',
    'per',
    'del',
    'della',
    'un',
    'una',
    'sono',
    'con',
    'nel',
    'ricavi',
    'anno',
  ]),
  en: new Set(['the', 'of', 'and', 'to', 'in', 'is', 'for', 'with', 'that', 'on', 'are', 'revenue', 'year']),
};

/** The language most of `texts`' common words belong to; undefined when none is found. */
export function guessLanguage(texts: Iterable<string>): ReportLanguage | undefined {
  const counts: Record<ReportLanguage, number> = { it: 0, en: 0 };
  let words = 0;
  for (const text of texts) {
    for (const word of text.toLowerCase().split(/[^\p{L}]+/u)) {
      // Enough words to decide; a 10,000-row table need not be read whole.
      if (++words > 5_000) break;
      for (const language of REPORT_LANGUAGES) if (COMMON_WORDS[language].has(word)) counts[language] += 1;
    }
  }
  if (counts.it === counts.en) return undefined;
  return counts.it > counts.en ? 'it' : 'en';
}

/** The most frequent report language among `tags` (ties: the first seen); undefined for none. */
export function majorityLanguage(tags: Iterable<string | null | undefined>): ReportLanguage | undefined {
  const counts = new Map<ReportLanguage, number>();
  for (const tag of tags) {
    const language = reportLanguageOf(tag);
    if (language !== undefined) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  let best: ReportLanguage | undefined;
  for (const [language, count] of counts) if (best === undefined || count > counts.get(best)!) best = language;
  return best;
}
