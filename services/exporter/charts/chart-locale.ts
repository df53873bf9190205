/**
 * The number locale of a report's charts (pure): Vega formats axis labels with d3-format,
 * which knows nothing of Intl, so the separators and the currency's place come from the
 * report's own formatter (value-format.ts), read off a sample amount.
 */
import type { ReportLanguage } from '../report-language.ts';

/** A d3-format locale definition, as Vega's `locale.number` option takes it. */
export interface ChartNumberLocale {
  decimal: string;
  thousands: string;
  grouping: number[];
  currency: [string, string];
}

/** Separators and currency placement of `language`, for amounts in `currency` (ISO 4217). */
export function chartNumberLocale(language: ReportLanguage, currency: string): ChartNumberLocale {
  const locale = language === 'it' ? 'it-IT' : 'en-GB';
  const parts = safeCurrencyParts(locale, currency);
  const symbol = parts.find((part) => part.type === 'currency')?.value ?? currency;
  const symbolFirst =
    parts.findIndex((part) => part.type === 'currency') < parts.findIndex((part) => part.type === 'integer');
  const decimal = parts.find((part) => part.type === 'decimal')?.value ?? '.';
  const thousands = parts.find((part) => part.type === 'group')?.value ?? ',';
  return {
    decimal,
    thousands,
    grouping: [3],
    // Italian puts a no-break space between the amount and the symbol; English none.
    currency: symbolFirst ? [symbol, ''] : ['', `\u00a0${symbol}`],
  };
}

// Seven digits: Italian leaves four-digit numbers ungrouped, so a shorter sample shows no separator.
function safeCurrencyParts(locale: string, currency: string): Intl.NumberFormatPart[] {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(1_234_567.5);
  } catch {
    return new Intl.NumberFormat(locale, { minimumFractionDigits: 1 }).formatToParts(1_234_567.5);
  }
}
