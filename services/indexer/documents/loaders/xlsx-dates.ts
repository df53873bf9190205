/**
 * Dates in SpreadsheetML (pure). A date or a time is stored as a number, the serial day (days
 * since the workbook's epoch, the time of day as the fraction), and only the cell's number
 * format says it is one. The indexer shows such a cell as a date (`2024-03-31`), a date and
 * time (`2024-03-31T14:30:00`) or a time of day (`14:30:00`), without a time zone since the workbook
 * has none: `45382` would mean nothing to a reader of the chunk, nor to the analysis's periods.
 */

/** What a number format shows, when it shows a date or a time. */
export type DateFormatKind = 'date' | 'datetime' | 'time';

/**
 * Built-in number formats (ECMA-376 part 1, 18.8.30) that show dates or times: 14-22 and 45-47,
 * and the East Asian locales' date formats 27-36 and 50-58, which Excel writes by id alone.
 */
const BUILT_IN_DATE_FORMATS = new Map<number, DateFormatKind>([
  [14, 'date'],
  [15, 'date'],
  [16, 'date'],
  [17, 'date'],
  [18, 'time'],
  [19, 'time'],
  [20, 'time'],
  [21, 'time'],
  [22, 'datetime'],
  [45, 'time'],
  [46, 'time'],
  [47, 'time'],
  ...[27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58].map(
    (id) => [id, 'date'] as [number, DateFormatKind],
  ),
]);

/**
 * Whether the number format `id` (with its `code` for a custom format, id 164 and up) shows a
 * date, a date and time, or a time; undefined for any other format. A custom format is a date
 * when its first section has date or time letters outside quoted text, escaped characters and
 * brackets (`[Red]`, `[$€-410]`). An elapsed duration (`[h]:mm`, which may pass 24 hours) is no
 * time of day: its cells keep their number (of days).
 */
export function dateFormatKind(id: number, code: string | undefined): DateFormatKind | undefined {
  const builtIn = BUILT_IN_DATE_FORMATS.get(id);
  if (builtIn !== undefined || code === undefined) return builtIn;
  const firstSection = code.split(';')[0] ?? '';
  if (/\[(h+|m+|s+)\]/i.test(firstSection)) return undefined;
  const letters = firstSection
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .toLowerCase();
  const hasDate = /[dy]/.test(letters);
  const hasTime = /[hs]/.test(letters);
  // `m` alone is a month next to days or years, and minutes next to hours or seconds.
  const hasMonthsOnly = !hasDate && !hasTime && /m/.test(letters);
  if (hasDate || hasMonthsOnly) return hasTime ? 'datetime' : 'date';
  return hasTime ? 'time' : undefined;
}

const DAY_MS = 86_400_000;
/** Day 0 of the 1900 system as Excel counts from day 61 on (it takes 1900 for a leap year). */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
/** Day 0 of the 1904 system (`<workbookPr date1904="1"/>`, older Mac workbooks). */
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/**
 * The text of `serial` shown with a format of `kind`, in the workbook's date system. Serials
 * before 61 in the 1900 system count from 1899-12-31 (Excel's 29 February 1900, serial 60, does
 * not exist and reads as 1 March). A negative or non-finite serial is not a date: its number.
 */
export function serialDateText(serial: number, kind: DateFormatKind, date1904: boolean): string {
  if (!Number.isFinite(serial) || serial < 0) return String(serial);
  const epoch = date1904 ? EPOCH_1904 : serial < 61 ? EPOCH_1900 + DAY_MS : EPOCH_1900;
  // Whole seconds: a serial's fraction rarely lands on one exactly.
  const iso = new Date(epoch + Math.round(serial * 86_400) * 1000).toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  if (kind === 'time') return time;
  if (kind === 'date' || (kind === 'datetime' && time === '00:00:00')) return date;
  return `${date}T${time}`;
}
