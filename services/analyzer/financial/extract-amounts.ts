/**
 * Amounts of money and percentages in running text. An amount is a number with a currency
 * before it (`€ 1.234,56`, `USD 3.4m`, `$2bn`) or after it (`1,2 milioni di euro`,
 * `12 million dollars`, `5.000 EUR`), with an optional scale word in between; a number with a
 * scale word but no currency (`ricavi di 12 milioni di euro contro 10 milioni`) takes the
 * currency of the nearest amount of its sentence. Numbers are read with the document's
 * convention (numbers.ts).
 */
import { CURRENCY_SOURCE, currencyCode, SCALE_SOURCE, scaleMultiplier } from './currencies.ts';
import { NUMBER_SOURCE, type NumberConvention, parseNumber } from './numbers.ts';

/** An amount found in a text, with its place. */
export interface FoundAmount {
  /** In units of currency, the scale applied (`1,2 mln` → 1200000). */
  value: number;
  /** ISO 4217 code. */
  currency: string;
  /** Offsets of the whole match (currency, number and scale) in the text. */
  start: number;
  end: number;
}

/** A percentage found in a text: 12.5 for `12,5%`. */
export interface FoundPercentage {
  value: number;
  start: number;
  end: number;
}

const NUMBER = new RegExp(String.raw`(?<![\p{L}\d.,])(?:[-−–](?=\s?\d))?(?:${NUMBER_SOURCE})`, 'gu');
const BEFORE = new RegExp(String.raw`(?:^|[^\p{L}])(${CURRENCY_SOURCE})\s?$`, 'iu');
const GLUED_SCALE = /^(k|m|b|bn|mn)(?![\p{L}\d])/iu;
const SPACED_SCALE = new RegExp(String.raw`^\s?(${SCALE_SOURCE})`, 'iu');
const AFTER_CURRENCY = new RegExp(String.raw`^\s?(?:(?:di|of|in|d['’])\s?)?(${CURRENCY_SOURCE})`, 'iu');
const PERCENT = /^\s?(%|per\s?cento|percento|per\s?cent)(?![\p{L}])/iu;
/** Farthest distance, in characters, at which a scaled number borrows a currency in its sentence. */
const BORROW_DISTANCE = 160;

interface NumberToken {
  value: number;
  start: number;
  end: number;
  currency: string | undefined;
  scaled: boolean;
}

/** Every amount in `text`, in order. */
export function extractAmounts(text: string, convention: NumberConvention): FoundAmount[] {
  const tokens: NumberToken[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const token = readAmountToken(text, match[0], match.index, convention);
    if (token !== undefined) tokens.push(token);
  }
  const amounts: FoundAmount[] = [];
  for (const token of tokens) {
    const currency = token.currency ?? (token.scaled ? borrowedCurrency(text, token, tokens) : undefined);
    if (currency !== undefined) amounts.push({ value: token.value, currency, start: token.start, end: token.end });
  }
  return amounts;
}

function readAmountToken(
  text: string,
  raw: string,
  index: number,
  convention: NumberConvention,
): NumberToken | undefined {
  const negative = /^[-−–]/.test(raw);
  const magnitude = parseNumber(raw.replace(/^[-−–]/, ''), convention);
  if (Number.isNaN(magnitude)) return undefined;
  let start = index;
  let end = index + raw.length;
  let currency: string | undefined;
  const before = BEFORE.exec(text.slice(Math.max(0, start - 24), start));
  if (before?.[1] !== undefined) {
    currency = currencyCode(before[1]);
    if (currency !== undefined) start -= before[0].length - before[0].indexOf(before[1]);
  }
  let rest = text.slice(end, end + 48);
  let multiplier = 1;
  const scale = GLUED_SCALE.exec(rest) ?? SPACED_SCALE.exec(rest);
  if (scale?.[1] !== undefined && !/^\s?%/.test(rest)) {
    multiplier = scaleMultiplier(scale[1]) ?? 1;
    end += scale[0].length;
    rest = rest.slice(scale[0].length);
  }
  if (currency === undefined) {
    const after = AFTER_CURRENCY.exec(rest);
    // "of"/"in" only bind a currency word after a scale ("3 million of euros"), not "5 in EUR terms".
    if (after?.[1] !== undefined && (multiplier > 1 || !/^\s?(?:of|in)\s/i.test(rest))) {
      currency = currencyCode(after[1]);
      if (currency !== undefined) end += after[0].length;
    }
  }
  if (currency === undefined && multiplier === 1) return undefined;
  const value = roundFraction((negative ? -1 : 1) * magnitude * multiplier);
  return { value, start, end, currency, scaled: multiplier > 1 };
}

function borrowedCurrency(text: string, token: NumberToken, tokens: readonly NumberToken[]): string | undefined {
  let best: { distance: number; currency: string } | undefined;
  for (const other of tokens) {
    if (other.currency === undefined) continue;
    const [from, to] = other.end <= token.start ? [other.end, token.start] : [token.end, other.start];
    const distance = to - from;
    if (distance < 0 || distance > BORROW_DISTANCE || /[.!?;]\s|\n/.test(text.slice(from, to))) continue;
    if (best === undefined || distance < best.distance) best = { distance, currency: other.currency };
  }
  return best?.currency;
}

/** Every percentage in `text` (`12,5%`, `-3.2 %`, `15 per cento`, `7 percent`), in order. */
export function extractPercentages(text: string, convention: NumberConvention): FoundPercentage[] {
  const found: FoundPercentage[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const end = match.index + match[0].length;
    const suffix = PERCENT.exec(text.slice(end, end + 12));
    if (suffix === null) continue;
    const negative = /^[-−–]/.test(match[0]);
    const magnitude = parseNumber(match[0].replace(/^[-−–]\s?/, ''), convention);
    if (Number.isNaN(magnitude)) continue;
    found.push({ value: (negative ? -1 : 1) * magnitude, start: match.index, end: end + suffix[0].length });
  }
  return found;
}

// Scaling (1.2 × 1e6) leaves float noise; four decimals keep unit prices such as 1,234 €/kg.
function roundFraction(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Up to `radius` characters either side of [start, end), on one line, for display. */
export function contextAround(text: string, start: number, end: number, radius = 40): string {
  const from = Math.max(0, start - radius);
  const to = Math.min(text.length, end + radius);
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ').trim()}${to < text.length ? '…' : ''}`;
}
