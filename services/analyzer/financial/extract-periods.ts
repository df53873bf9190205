/**
 * Reporting periods in English and Italian text, normalised so that the same period written
 * differently compares equal and sorts in time:
 *
 * | written | normalised |
 * | `2024`, `anno 2024` | `2024` |
 * | `Q3 2024`, `3Q24`, `Q3'24`, `third quarter of 2024`, `terzo trimestre 2024`, `III trimestre 2024` | `2024-Q3` |
 * | `H1 2024`, `1H24`, `first half of 2024`, `primo semestre 2024` | `2024-H1` |
 * | `FY2024`, `FY24`, `fiscal year 2024`, `esercizio 2024`, `anno fiscale 2024` | `FY2024` |
 * | `March 2024`, `marzo 2024` | `2024-03` |
 * | `from 1 January to 31 March 2024`, `dal 1 gennaio al 31 marzo 2024` | `2024-01-01/2024-03-31` |
 *
 * Quarters, halves and fiscal years are our own rules; months and date ranges come from
 * chrono-node (its strict parsers, English and Italian), whose results are kept only when the
 * year is written, so that `lunedì` or `today` never becomes a period.
 */
import * as chrono from 'chrono-node';

/** A period found in a text. */
export interface FoundPeriod {
  /** Normalised form (see the module comment). */
  period: string;
  start: number;
  end: number;
}

const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  '1st': 1,
  '2nd': 2,
  '3rd': 3,
  '4th': 4,
  primo: 1,
  secondo: 2,
  terzo: 3,
  quarto: 4,
  i: 1,
  ii: 2,
  iii: 3,
  iv: 4,
  '1°': 1,
  '2°': 2,
  '3°': 3,
  '4°': 4,
  '1o': 1,
  '2o': 2,
  '3o': 3,
  '4o': 4,
};
const ORDINAL = String.raw`first|second|third|fourth|1st|2nd|3rd|4th|primo|secondo|terzo|quarto|iv|iii|ii|i|[1-4]°|[1-4]o`;
const YEAR = String.raw`(?:19|20)\d{2}`;
const SHORT_YEAR = String.raw`(?:['’]?\d{2}(?!\d)|(?:19|20)\d{2})`;
const OF = String.raw`(?:\s+(?:of|del|dell['’]anno|of\s+fiscal\s+year|fiscal)?\s*)?`;

interface Rule {
  pattern: RegExp;
  normalise: (match: RegExpExecArray) => string | undefined;
}

const yearOf = (text: string | undefined): string | undefined => {
  if (text === undefined) return undefined;
  const digits = text.replace(/['’]/g, '');
  return digits.length === 2 ? `20${digits}` : digits;
};
const ordinal = (text: string | undefined) => (text === undefined ? undefined : ORDINALS[text.toLowerCase()]);

const RULES: Rule[] = [
  {
    pattern: new RegExp(String.raw`\bQ([1-4])(?:\s*|-|/)(${SHORT_YEAR})?\b`, 'giu'),
    normalise: (m) => withYear(yearOf(m[2]), `Q${m[1]}`),
  },
  {
    pattern: new RegExp(String.raw`\b([1-4])Q\s?(${SHORT_YEAR})\b`, 'giu'),
    normalise: (m) => `${yearOf(m[2])}-Q${m[1]}`,
  },
  {
    pattern: new RegExp(String.raw`\b(${ORDINAL})\s+(?:quarter|trimestre|fiscal\s+quarter)${OF}(${YEAR})?`, 'giu'),
    normalise: (m) => (ordinal(m[1]) === undefined ? undefined : withYear(m[2], `Q${ordinal(m[1])}`)),
  },
  {
    pattern: new RegExp(String.raw`\bH([12])(?:\s*|-|/)(${SHORT_YEAR})?\b`, 'giu'),
    normalise: (m) => withYear(yearOf(m[2]), `H${m[1]}`),
  },
  {
    pattern: new RegExp(String.raw`\b([12])H\s?(${SHORT_YEAR})\b`, 'giu'),
    normalise: (m) => `${yearOf(m[2])}-H${m[1]}`,
  },
  {
    pattern: new RegExp(
      String.raw`\b(first|second|primo|secondo|1st|2nd)\s+(?:half|semestre|half-year)${OF}(${YEAR})?`,
      'giu',
    ),
    normalise: (m) => withYear(m[2], `H${ordinal(m[1])}`),
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:FY\s?|fiscal\s+(?:year\s+)?|esercizio\s+(?:fiscale\s+)?|anno\s+fiscale\s+)(${SHORT_YEAR})\b`,
      'giu',
    ),
    normalise: (m) => `FY${yearOf(m[1])}`,
  },
];
const MONTH_NUMBERS: Record<string, number> = Object.fromEntries(
  [
    ['january', 'gennaio'],
    ['february', 'febbraio'],
    ['march', 'marzo'],
    ['april', 'aprile'],
    ['may', 'maggio'],
    ['june', 'giugno'],
    ['july', 'luglio'],
    ['august', 'agosto'],
    ['september', 'settembre'],
    ['october', 'ottobre'],
    ['november', 'novembre'],
    ['december', 'dicembre'],
  ].flatMap((names, i) => names.map((name) => [name, i + 1])),
);
const MONTH_YEAR = new RegExp(
  String.raw`\b(${Object.keys(MONTH_NUMBERS).join('|')})\s+(?:del\s+|of\s+)?(${YEAR})\b`,
  'giu',
);
const YEAR_PATTERN = new RegExp(String.raw`(?<![\p{L}\d.,/-])(${YEAR})(?![\d.,]\d|%)`, 'gu');

function withYear(year: string | undefined, part: string): string {
  return year === undefined ? part : `${year}-${part}`;
}

/** Every period in `text`, in order; `language` picks the date parser (en, it; else English). */
export function extractPeriods(text: string, language: string | null): FoundPeriod[] {
  const found: FoundPeriod[] = [];
  const taken = (start: number, end: number) => found.some((p) => start < p.end && end > p.start);
  for (const rule of RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const period = rule.normalise(match);
      const end = match.index + match[0].trimEnd().length;
      if (period !== undefined && !taken(match.index, end)) found.push({ period, start: match.index, end });
    }
  }
  for (const period of datePeriods(text, language)) {
    if (!taken(period.start, period.end)) found.push(period);
  }
  for (const match of text.matchAll(MONTH_YEAR)) {
    const month = MONTH_NUMBERS[(match[1] as string).toLowerCase()] as number;
    const end = match.index + match[0].length;
    if (!taken(match.index, end)) found.push({ period: `${match[2]}-${pad(month)}`, start: match.index, end });
  }
  for (const match of text.matchAll(YEAR_PATTERN)) {
    const end = match.index + match[0].length;
    if (!taken(match.index, end)) found.push({ period: match[1] as string, start: match.index, end });
  }
  return found.sort((a, b) => a.start - b.start);
}

const MONTHS = String.raw`jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|gen|mag|giu|lug|ago|set|ott|dic`;
// Month names followed or preceded by a number, or numeric dates: only then is chrono run.
const DATE_HINT = new RegExp(
  String.raw`\b(?:${MONTHS})\p{L}*\.?\s+\d|\d\s+(?:${MONTHS})|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}`,
  'iu',
);
const pad = (n: number) => String(n).padStart(2, '0');

function datePeriods(text: string, language: string | null): FoundPeriod[] {
  // Cheap guard: no month name or date-like digits, no need to run the parser.
  if (!DATE_HINT.test(text)) return [];
  const parser = language === 'it' ? chrono.it.strict : chrono.en.strict;
  const periods: FoundPeriod[] = [];
  for (const result of parser.parse(text)) {
    const { start, end } = result;
    if (!start.isCertain('year') || !start.isCertain('month')) continue;
    const from = componentDate(start);
    const period = end !== null && end !== undefined ? `${from}/${componentDate(end)}` : from;
    periods.push({ period, start: result.index, end: result.index + result.text.length });
  }
  return periods;
}

function componentDate(components: chrono.ParsedComponents): string {
  const year = components.get('year') as number;
  const month = pad(components.get('month') as number);
  return components.isCertain('day') ? `${year}-${month}-${pad(components.get('day') as number)}` : `${year}-${month}`;
}

/**
 * A sortable key of a normalised period (year, then sub-period), and its granularity, so that
 * growth is computed only between periods of one kind (quarter after quarter, year after year).
 */
export function periodOrder(period: string): { kind: string; key: number } | undefined {
  let m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return { kind: 'quarter', key: Number(m[1]) * 4 + Number(m[2]) };
  m = /^(\d{4})-H([12])$/.exec(period);
  if (m) return { kind: 'half', key: Number(m[1]) * 2 + Number(m[2]) };
  m = /^FY(\d{4})$/.exec(period);
  if (m) return { kind: 'year', key: Number(m[1]) };
  m = /^(\d{4})$/.exec(period);
  if (m) return { kind: 'year', key: Number(m[1]) };
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return { kind: 'month', key: Number(m[1]) * 12 + Number(m[2]) };
  return undefined;
}

/** Words a period cell may start with (`Anno 2024`, `Year ended 2024`). */
const CELL_PREFIXES = new Set(['', 'anno', 'year', 'period', 'periodo', 'al', 'as of', 'year ended', 'esercizio']);

/** The period a table cell names, if the whole cell is one (`Q3 2024`, `2024`, `FY24`, `1° trimestre 2024`). */
export function periodOfCell(cell: string, language: string | null): string | undefined {
  const text = cell.trim();
  if (text === '' || text.length > 40) return undefined;
  const periods = extractPeriods(text, language);
  if (periods.length !== 1) return undefined;
  const [only] = periods as [FoundPeriod];
  const prefix = text.slice(0, only.start).trim().toLowerCase();
  return text.slice(only.end).trim() === '' && CELL_PREFIXES.has(prefix) ? only.period : undefined;
}
