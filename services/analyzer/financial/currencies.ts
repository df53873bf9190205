/**
 * Currency and scale vocabulary of English and Italian financial text: symbols, ISO 4217
 * codes and words (singular and plural), and the scale words that multiply a number
 * (`k`, `mln`, `milioni`, `bn`, `miliardi`, ...). Matching is case-insensitive for words and
 * case-sensitive for the one-letter scales (`m`, `k`, `bn`) that would otherwise match prose.
 */

/** Currency words and symbols → ISO 4217 code. */
const CURRENCY_WORDS: Record<string, string> = {
  '€': 'EUR',
  euro: 'EUR',
  euros: 'EUR',
  $: 'USD',
  us$: 'USD',
  dollar: 'USD',
  dollars: 'USD',
  dollaro: 'USD',
  dollari: 'USD',
  'us dollars': 'USD',
  'dollari statunitensi': 'USD',
  'dollari usa': 'USD',
  '£': 'GBP',
  pound: 'GBP',
  pounds: 'GBP',
  'pounds sterling': 'GBP',
  sterling: 'GBP',
  sterlina: 'GBP',
  sterline: 'GBP',
  'sterlina inglese': 'GBP',
  'sterline inglesi': 'GBP',
  '¥': 'JPY',
  yen: 'JPY',
  'swiss francs': 'CHF',
  'swiss franc': 'CHF',
  'franchi svizzeri': 'CHF',
  'franco svizzero': 'CHF',
  yuan: 'CNY',
  renminbi: 'CNY',
};

/** ISO 4217 codes recognised when written in capitals. */
export const ISO_CODES = [
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'JPY',
  'CNY',
  'CAD',
  'AUD',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BRL',
  'INR',
  'HKD',
  'SGD',
  'NZD',
  'MXN',
  'ZAR',
  'TRY',
  'RUB',
  'KRW',
] as const;

/** Scale words → multiplier. */
const SCALE_WORDS: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  thousands: 1e3,
  mila: 1e3,
  migliaia: 1e3,
  m: 1e6,
  mn: 1e6,
  mln: 1e6,
  mio: 1e6,
  million: 1e6,
  millions: 1e6,
  milione: 1e6,
  milioni: 1e6,
  'mln.': 1e6,
  b: 1e9,
  bn: 1e9,
  bln: 1e9,
  billion: 1e9,
  billions: 1e9,
  mld: 1e9,
  mrd: 1e9,
  miliardo: 1e9,
  miliardi: 1e9,
  'mld.': 1e9,
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLength = (a: string, b: string) => b.length - a.length;

/** Alternation of every currency word, symbol and code, longest first. */
export const CURRENCY_SOURCE = [
  ...Object.keys(CURRENCY_WORDS)
    .sort(byLength)
    .map((word) => (/^\p{L}/u.test(word) ? `${escape(word)}\\b` : escape(word))),
  ...ISO_CODES.map((code) => `${code}\\b`),
].join('|');

/** Alternation of scale words; one-letter ones only as a suffix glued to a number (`3m`, `€2bn`). */
export const SCALE_SOURCE = Object.keys(SCALE_WORDS)
  .sort(byLength)
  .map((word) => `${escape(word)}(?![\\p{L}\\d])`)
  .join('|');

/** The ISO code of a currency token as matched (case-insensitive words, upper-case codes). */
export function currencyCode(token: string): string | undefined {
  const normalised = token.trim().replace(/\s+/g, ' ');
  if ((ISO_CODES as readonly string[]).includes(normalised.toUpperCase()) && normalised === normalised.toUpperCase()) {
    return normalised.toUpperCase();
  }
  return CURRENCY_WORDS[normalised.toLowerCase()];
}

/** The multiplier of a scale token, or undefined. */
export function scaleMultiplier(token: string): number | undefined {
  return SCALE_WORDS[token.trim().toLowerCase()];
}
