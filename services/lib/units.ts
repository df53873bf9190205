/**
 * Durations and sizes as people write them in settings (`30s`, `1.5h`, `64MiB`), parsed to
 * numbers with their unit in the name (milliseconds, bytes). Pure.
 */

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS_MS;

const SIZE_UNITS_BYTES = {
  B: 1,
  KB: 1_000,
  MB: 1_000_000,
  GB: 1_000_000_000,
  KiB: 1_024,
  MiB: 1_048_576,
  GiB: 1_073_741_824,
} as const;
export type SizeUnit = keyof typeof SIZE_UNITS_BYTES;

/**
 * Milliseconds of a duration such as `250ms`, `30s`, `5m`, `1.5h`, `7d`, `2w`; a bare number is
 * in `bareUnit`. Undefined when the text is not a duration (or not a whole number of ms).
 */
export function parseDurationMs(text: string, bareUnit: DurationUnit = 'ms'): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = (match[2] ?? bareUnit) as DurationUnit;
  const ms = Number(match[1]) * DURATION_UNITS_MS[unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Bytes of a size such as `512B`, `64KiB`, `1.5GiB`, `10MB` (decimal units are powers of 1000,
 * binary ones of 1024); a bare number is bytes. Undefined when the text is not a size.
 */
export function parseSizeBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/.exec(text.trim());
  if (match === null) return undefined;
  const bytes = Number(match[1]) * SIZE_UNITS_BYTES[(match[2] ?? 'B') as SizeUnit];
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
