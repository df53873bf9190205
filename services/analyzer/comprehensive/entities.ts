/**
 * Named entities. English people, organisations and places come from compromise (a rule- and
 * lexicon-based NLP library); for Italian (and any other language) capitalised sequences
 * that do not open a sentence are organisations when they carry a company form or a word
 * such as `Banca`/`Gruppo`, places when they are a known place, people when they are two or
 * three capitalised words. Money, percentages and dates come from the financial extractors
 * for every language (see analyze-document.ts).
 */
import nlp from 'compromise';

export interface Entity {
  text: string;
  /** PERSON, ORGANIZATION, LOCATION, MONEY, PERCENT, DATE. */
  type: string;
}

/**
 * Characters of a document's English text handed to compromise (about a page and a half): it
 * tags some 60 KB a second (measured: 52 ms for 4,000 characters), far below the 100 pages a
 * second the analysis must keep, and a document names its people and companies early. The
 * rest of the text gets the capitalised-sequence rules.
 */
export const ENGLISH_NER_CHARS_PER_DOCUMENT = 4_000;

/** People, organisations and places of an English text (compromise). */
export function englishEntities(text: string): Entity[] {
  const doc = nlp(text);
  const found: Entity[] = [];
  const add = (type: string, names: string[]) => {
    for (const name of names) {
      const clean = name.replace(/[\s,.;:!?'’"]+$/u, '').replace(/^[\s"'“]+/u, '');
      if (clean.length > 1) found.push({ text: clean, type });
    }
  };
  add('PERSON', doc.people().out('array') as string[]);
  add('ORGANIZATION', doc.organizations().out('array') as string[]);
  add('LOCATION', doc.places().out('array') as string[]);
  return found;
}

const ORGANIZATION_MARKERS =
  /\b(?:S\.?p\.?A\.?|S\.?r\.?l\.?|S\.?a\.?s\.?|S\.?n\.?c\.?|Spa|Srl|Banca|Banco|Gruppo|Società|Fondazione|Associazione|Università|Ministero|Comune|Regione|Agenzia|Consorzio|Cooperativa|Inc\.?|Ltd\.?|Group|Holding)\b/u;
const PLACES = new Set([
  'Italia',
  'Milano',
  'Roma',
  'Torino',
  'Napoli',
  'Firenze',
  'Bologna',
  'Venezia',
  'Genova',
  'Bari',
  'Palermo',
  'Verona',
  'Padova',
  'Trieste',
  'Brescia',
  'Bergamo',
  'Parma',
  'Modena',
  'Lombardia',
  'Piemonte',
  'Veneto',
  'Toscana',
  'Lazio',
  'Sicilia',
  'Sardegna',
  'Campania',
  'Puglia',
  'Emilia',
  'Liguria',
  'Europa',
  'Francia',
  'Germania',
  'Spagna',
  'Svizzera',
  'Austria',
  'Londra',
  'Parigi',
  'Berlino',
  'Madrid',
  'Stati Uniti',
  'Cina',
  'Giappone',
  'Asia',
  'America',
  'Regno Unito',
  'Bruxelles',
  'Zurigo',
  'Monaco',
  'Kent',
  'Dover',
]);
const NOT_NAMES = new Set([
  'Il',
  'La',
  'Lo',
  'Le',
  'Gli',
  'I',
  'Un',
  'Una',
  'Uno',
  'Nel',
  'Nella',
  'Dal',
  'Dalla',
  'Per',
  'Con',
  'In',
  'Di',
  'Del',
  'Della',
  'Questo',
  'Questa',
  'EBITDA',
  'EBIT',
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'FY',
  'KPI',
  'IVA',
  'PIL',
]);
// Capitalised words (with inner particles such as "di", "de", "&") in a run.
const CAPITALISED_RUN =
  /\p{Lu}(?:[\p{L}\p{M}'’&-]|\.(?=\p{L}))*(?:\s+(?:(?:di|de|del|della|&|von|van)\s+)?\p{Lu}(?:[\p{L}\p{M}'’&-]|\.(?=\p{L}))*)*/gu;

/** Capitalised-sequence entities of a non-English text: organisations, places, people. */
export function capitalisedEntities(text: string): Entity[] {
  const found: Entity[] = [];
  for (const match of text.matchAll(CAPITALISED_RUN)) {
    let name = match[0].replace(/[.’']+$/u, '');
    let words = name.split(/\s+/);
    // A leading article or preposition opens the run, not the name ("Il Gruppo Rossi").
    while (words.length > 1 && NOT_NAMES.has(words[0] as string)) words = words.slice(1);
    name = words.join(' ');
    const opensSentence =
      match.index === 0 || /[.!?:\n]\s*$/.test(text.slice(Math.max(0, match.index - 3), match.index));
    if (words.length === 1 && (NOT_NAMES.has(name) || name.length < 3)) continue;
    let type: string | undefined;
    if (ORGANIZATION_MARKERS.test(name)) type = 'ORGANIZATION';
    else if (PLACES.has(name)) type = 'LOCATION';
    else if (/^\p{Lu}{2,6}$/u.test(name) && !NOT_NAMES.has(name)) type = 'ORGANIZATION';
    else if (words.length >= 2 && words.length <= 4 && !opensSentence) type = 'PERSON';
    else if (words.length >= 2 && words.length <= 4 && !NOT_NAMES.has(words[0] as string)) type = 'PERSON';
    if (type !== undefined) found.push({ text: name, type });
  }
  return found;
}
