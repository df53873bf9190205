/**
 * The analysis of one document's text (pure, no I/O): languages per section, then the
 * analysis asked for. COMPREHENSIVE gives statistics, keywords and entities and also the
 * financial and sentiment summaries, so one job answers "what is in this document".
 */
import type { AnalysisSection } from './analysis-section.ts';
import {
  capitalisedEntities,
  ENGLISH_NER_CHARS_PER_DOCUMENT,
  englishEntities,
  type Entity,
} from './comprehensive/entities.ts';
import { countKeywords, topKeywords } from './comprehensive/keywords.ts';
import { analyzeFinancial, type FinancialSummary } from './financial/analyze-financial.ts';
import { analyzeSentiment, type SentimentSummary } from './sentiment/analyze-sentiment.ts';
import { baseLanguage, detectLanguage, documentLanguage } from './text/detect-language.ts';
import { splitSentences, WORD_PATTERN } from './text/sentences.ts';

export type AnalysisKind = 'FINANCIAL' | 'SENTIMENT' | 'COMPREHENSIVE';

/** Most entities listed per document. */
export const MAX_ENTITIES = 200;

/** A section as loaded, before its language is known. */
export type SectionText = Omit<AnalysisSection, 'language'>;

export interface StatisticsSummary {
  characters: number;
  words: number;
  sentences: number;
  keywords: string[];
  entities: Entity[];
}

export interface DocumentFindings {
  /** The document's language: given, or the language of most of its text; null when unknown. */
  language: string | null;
  /** Languages of its sections, most text first. */
  languages: string[];
  financial: FinancialSummary | null;
  sentiment: SentimentSummary | null;
  statistics: StatisticsSummary | null;
}

/**
 * Gives each section a language: `given` (a BCP 47 tag) for all, or each its own detection;
 * a section too short or numeric to tell (a table) takes the document's language.
 */
export function assignLanguages(
  sections: readonly SectionText[],
  given: string | null,
): { sections: AnalysisSection[]; language: string | null; languages: string[] } {
  if (given !== null) {
    const language = baseLanguage(given);
    return { sections: sections.map((s) => ({ ...s, language })), language, languages: [language] };
  }
  const guesses = sections.map((s) => ({ ...s, language: detectLanguage(s.text).language }));
  const weights = guesses.map((s) => ({ language: s.language, characters: s.text.length }));
  const language = documentLanguage(weights);
  const totals = new Map<string, number>();
  for (const { language: l, characters } of weights) if (l !== null) totals.set(l, (totals.get(l) ?? 0) + characters);
  const languages = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([l]) => l);
  return { sections: guesses.map((s) => ({ ...s, language: s.language ?? language })), language, languages };
}

/** Runs the `kind` analysis over the sections of one document. */
export function analyzeDocumentText(
  sections: readonly SectionText[],
  kind: AnalysisKind,
  givenLanguage: string | null,
): DocumentFindings {
  const { sections: withLanguage, language, languages } = assignLanguages(sections, givenLanguage);
  const wantsFinancial = kind === 'FINANCIAL' || kind === 'COMPREHENSIVE';
  const wantsSentiment = kind === 'SENTIMENT' || kind === 'COMPREHENSIVE';
  const financial = wantsFinancial ? analyzeFinancial(withLanguage, language) : null;
  return {
    language,
    languages,
    financial,
    sentiment: wantsSentiment ? analyzeSentiment(withLanguage, language) : null,
    statistics: kind === 'COMPREHENSIVE' ? statistics(withLanguage, financial) : null,
  };
}

function statistics(sections: readonly AnalysisSection[], financial: FinancialSummary | null): StatisticsSummary {
  const summary: StatisticsSummary = { characters: 0, words: 0, sentences: 0, keywords: [], entities: [] };
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  const addEntity = (entity: Entity) => {
    const key = `${entity.type}:${entity.text}`;
    if (summary.entities.length < MAX_ENTITIES && !seen.has(key)) {
      seen.add(key);
      summary.entities.push(entity);
    }
  };
  let englishBudget = ENGLISH_NER_CHARS_PER_DOCUMENT;
  for (const section of sections) {
    summary.characters += section.text.length;
    summary.words += section.text.match(WORD_PATTERN)?.length ?? 0;
    summary.sentences += section.rows === null ? splitSentences(section.text).length : section.text.split('\n').length;
    countKeywords(section.text, section.language, counts);
    if (summary.entities.length < MAX_ENTITIES && section.rows === null) {
      if (section.language === 'en' && englishBudget > 0) {
        const head = section.text.slice(0, englishBudget);
        englishBudget -= head.length;
        englishEntities(head).forEach(addEntity);
        if (head.length < section.text.length) capitalisedEntities(section.text.slice(head.length)).forEach(addEntity);
      } else {
        capitalisedEntities(section.text).forEach(addEntity);
      }
    }
  }
  for (const amount of financial?.amounts ?? [])
    addEntity({ text: `${amount.value} ${amount.currency}`, type: 'MONEY' });
  for (const percentage of financial?.percentages ?? []) addEntity({ text: `${percentage}%`, type: 'PERCENT' });
  for (const period of financial?.periods ?? []) addEntity({ text: period, type: 'DATE' });
  summary.keywords = topKeywords(counts);
  return summary;
}
