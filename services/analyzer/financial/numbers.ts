/**
 * Locale-aware numbers. Italian writes `1.234,56` (dot groups, comma decimal), English
 * `1,234.56`; a document's convention is decided once (numberConvention) and applied to
 * every number in it (parseNumber).
 *
 * The ambiguous case is one separator followed by exactly three digits (`1,234`, `1.234`):
 * it is a thousands separator when the convention groups with that character (English
 * `1,234` = 1234, Italian `1.234` = 1234) and a decimal separator otherwise (Italian
 * `1,234` = 1.234). A number with both separators, or with one repeated, is never ambiguous:
 * the last separator of two kinds is the decimal one, a repeated one groups.
 */

/** Which character separates decimals; the other one groups thousands. */
export type NumberConvention = 'comma-decimal' | 'dot-decimal';

/** A number as written: groups of digits with `.`, `,` or a narrow/normal no-break space. */
export const NUMBER_SOURCE = String.raw`\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?`;

/** The convention of a language when the document gives no unambiguous evidence. */
export function languageConvention(language: string | null): NumberConvention {
  // Most continental European languages write a decimal comma; English and unknowns a dot.
  return language !== null && ['it', 'de', 'es', 'fr', 'pt', 'nl'].includes(language) ? 'comma-decimal' : 'dot-decimal';
}

/**
 * The document's convention: the majority of its unambiguous numbers (`1.234,56`,
 * `1,234,567`, `3,5`, `12.75`), else the language's. An Italian document quoting
 * `USD 1,234.56` throughout is then read as dot-decimal, as its author wrote it.
 */
export function numberConvention(text: string, language: string | null): NumberConvention {
  let comma = 0;
  let dot = 0;
  const pattern = new RegExp(NUMBER_SOURCE, 'g');
  for (const [raw] of text.matchAll(pattern)) {
    const evidence = unambiguousConvention(raw);
    if (evidence === 'comma-decimal') comma += 1;
    else if (evidence === 'dot-decimal') dot += 1;
  }
  if (comma === dot) return languageConvention(language);
  return comma > dot ? 'comma-decimal' : 'dot-decimal';
}

function unambiguousConvention(raw: string): NumberConvention | undefined {
  const lastDot = raw.lastIndexOf('.');
  const lastComma = raw.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) return lastComma > lastDot ? 'comma-decimal' : 'dot-decimal';
  const separator = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : undefined;
  if (separator === undefined) return undefined;
  const parts = raw.split(separator);
  // Repeated: it groups, so the other character is the decimal one.
  if (parts.length > 2) return separator === '.' ? 'comma-decimal' : 'dot-decimal';
  if ((parts[1] ?? '').length !== 3) return separator === ',' ? 'comma-decimal' : 'dot-decimal';
  return undefined;
}

/** Parses a number as written (see NUMBER_SOURCE) under `convention`; NaN if it is not one. */
export function parseNumber(raw: string, convention: NumberConvention): number {
  const text = raw.replace(/[\u00a0\u202f\s]/g, '');
  const decimal = convention === 'comma-decimal' ? ',' : '.';
  const group = decimal === ',' ? '.' : ',';
  const lastDot = text.lastIndexOf('.');
  const lastComma = text.lastIndexOf(',');
  let normalised: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const decimalChar = lastComma > lastDot ? ',' : '.';
    const groupChar = decimalChar === ',' ? '.' : ',';
    normalised = text.split(groupChar).join('').replace(decimalChar, '.');
  } else if (lastDot < 0 && lastComma < 0) {
    normalised = text;
  } else {
    const separator = lastDot >= 0 ? '.' : ',';
    const parts = text.split(separator);
    const grouping =
      parts.length > 2 || ((parts[1] ?? '').length === 3 && separator === group && (parts[0] ?? '').length <= 3);
    normalised = grouping ? parts.join('') : parts.join('.');
  }
  return /^\d+(\.\d+)?$/.test(normalised) ? Number(normalised) : Number.NaN;
}
