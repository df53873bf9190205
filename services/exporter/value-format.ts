/**
 * Numbers as a report writes them, in its language's conventions (pure, Intl): amounts
 * `1.234,56 €` in Italian and `€1,234.56` in English, percentages `12,5%` / `12.5%`, growth
 * with its sign and an up or down mark (drawn in a font that has them: report-fonts.ts). The space Intl puts before `€` in Italian is a
 * no-break space, so an amount never wraps between its number and its symbol. Digits are always
 * grouped: Italian's CLDR rule leaves four-digit numbers ungrouped (`1234,56`), which reports
 * of amounts do not.
 */
import type { ReportValueFormat } from '../../schemas/report-value-format.ts';
import type { ReportLanguage } from './report-language.ts';

const LOCALES: Record<ReportLanguage, string> = { it: 'it-IT', en: 'en-GB' };

/** Writes the values of one report; `currency` is an ISO 4217 code. */
export interface ValueFormatter {
  /** A value in `format`; `notAvailable` for null or a value that is not a finite number. */
  format(value: number | null, format: ReportValueFormat): string;
  /** A change in percent, signed, with its up, down or flat mark (`▲` `+12,5 %`); no mark for n/a. */
  growth(percent: number | null): { mark: string; text: string };
  /** A change of a percentage, in percentage points (`▲` `+2,3 p.p.` / `+2.3 pp`). */
  points(difference: number | null): { mark: string; text: string };
  readonly locale: string;
}

/** The up, down and flat marks of a growth figure. */
export const GROWTH_MARKS = { up: '▲', down: '▼', flat: '=' } as const;

/** Change from `previous` to `current` in percent; null when it has no meaning (a zero or missing base). */
export function growthPercent(previous: number | null, current: number | null): number | null {
  if (previous === null || current === null || previous === 0) return null;
  if (!Number.isFinite(previous) || !Number.isFinite(current)) return null;
  return ((current - previous) / Math.abs(previous)) * 100;
}

export function createValueFormatter(language: ReportLanguage, currency: string, notAvailable: string): ValueFormatter {
  const locale = LOCALES[language];
  let money: Intl.NumberFormat;
  try {
    money = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      useGrouping: 'always',
    });
  } catch {
    // An unknown currency code: the amount is still written, with the code after it.
    money = new Intl.NumberFormat(locale, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      useGrouping: 'always',
    });
  }
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: 'always' });
  // Intl's percent style multiplies by 100; report values are already in percent.
  const percent = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const signedPercent = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const unknownCurrency = money.resolvedOptions().style !== 'currency';
  const formatValue = (value: number | null, format: ReportValueFormat): string => {
    if (value === null || !Number.isFinite(value)) return notAvailable;
    if (format === 'CURRENCY') return unknownCurrency ? `${money.format(value)} ${currency}` : money.format(value);
    if (format === 'PERCENT') return percent.format(value / 100);
    return number.format(value);
  };
  const signedNumber = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const pointsUnit = language === 'it' ? '\u00a0p.p.' : '\u00a0pp';
  const mark = (rounded: number): string =>
    rounded > 0 ? GROWTH_MARKS.up : rounded < 0 ? GROWTH_MARKS.down : GROWTH_MARKS.flat;
  return {
    locale,
    format: formatValue,
    points(value) {
      if (value === null || !Number.isFinite(value)) return { mark: '', text: notAvailable };
      const rounded = Math.round(value * 10) / 10;
      return { mark: mark(rounded), text: `${signedNumber.format(rounded)}${pointsUnit}` };
    },
    growth(value) {
      if (value === null || !Number.isFinite(value)) return { mark: '', text: notAvailable };
      const rounded = Math.round(value * 10) / 10;
      return { mark: mark(rounded), text: signedPercent.format(rounded / 100) };
    },
  };
}
