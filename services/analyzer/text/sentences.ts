/**
 * Sentence splitting and word tokens for the analysers. Deliberately simple and fast (the
 * comprehensive analysis must run at more than 100 pages a second on one worker): a sentence
 * ends at `.`, `!`, `?` or `;`-free line break followed by an upper-case letter, a digit or a
 * quote, and never inside a number (`1.234,56`) or after a short abbreviation (`S.p.A.`, `Mr.`).
 */

/** A sentence with its offset in the text it was cut from. */
export interface Sentence {
  text: string;
  /** Offset of the sentence's first character in the source text. */
  start: number;
}

const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'inc',
  'ltd',
  'co',
  'corp',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'no',
  'nr',
  'fig',
  'sig',
  'sigg',
  'dott',
  'ing',
  'avv',
  'spa',
  's.p.a',
  's.r.l',
  'srl',
  'ecc',
  'pag',
  'art',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'gen',
  'giu',
  'lug',
  'ago',
  'set',
  'ott',
  'dic',
]);

// A candidate end: terminal punctuation (with closing quotes/brackets) then whitespace, or a line break.
const BOUNDARY = /([.!?…]+["'”’)\]]*)\s+|\n\s*/g;

/** Splits `text` into trimmed, non-empty sentences in order. */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  BOUNDARY.lastIndex = 0;
  for (let match = BOUNDARY.exec(text); match !== null; match = BOUNDARY.exec(text)) {
    const end = match.index + (match[1]?.length ?? 0);
    const lineBreak = match[0].includes('\n');
    if (match[1] !== undefined && !lineBreak && !isSentenceEnd(text, match.index, BOUNDARY.lastIndex)) continue;
    push(sentences, text, start, end);
    start = BOUNDARY.lastIndex;
  }
  push(sentences, text, start, text.length);
  return sentences;
}

function isSentenceEnd(text: string, punctuationAt: number, nextAt: number): boolean {
  const next = text.charAt(nextAt);
  if (next !== '' && !/[\p{Lu}\d"'“‘([€$£-]/u.test(next)) return false;
  if (text.charAt(punctuationAt) !== '.') return true;
  const before = /(\d?)([\p{L}.]+)$/u.exec(text.slice(Math.max(0, punctuationAt - 12), punctuationAt));
  const word = before?.[2]?.toLowerCase();
  // No word, or a unit glued to a number ("$1.5m."): the sentence ends.
  if (word === undefined || before?.[1] !== '') return true;
  // A single letter (an initial, "J. Smith") or a known abbreviation does not end a sentence.
  return !(word.length === 1 || ABBREVIATIONS.has(word) || ABBREVIATIONS.has(word.replace(/\.$/, '')));
}

function push(sentences: Sentence[], text: string, from: number, to: number): void {
  const raw = text.slice(from, to);
  const trimmed = raw.trim();
  if (trimmed === '') return;
  sentences.push({ text: trimmed, start: from + raw.indexOf(trimmed.charAt(0)) });
}

/** A word of running text: letters with inner apostrophes, or a number. */
export const WORD_PATTERN = /\p{L}[\p{L}\p{M}]*(?:['’]\p{L}+)*|\d+(?:[.,]\d+)*/gu;

/** The words of `text` in order (numbers included), as written. */
export function words(text: string): string[] {
  return text.match(WORD_PATTERN) ?? [];
}
