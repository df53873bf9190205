/**
 * What every `ctl` command shares for its output: the errors that set the exit code (1 for a
 * failure, 2 for a usage error), and pure formatting helpers (tables, durations, ages).
 */

/** A failure the user is told about in one line; `exitCode` 1 (failure) or 2 (usage error). */
export class CtlError extends Error {
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'CtlError';
    this.exitCode = exitCode;
  }
}

/** Bad arguments or options: exit code 2. */
export class UsageError extends CtlError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** How a command writes: human lines, or one JSON document (`--json`). */
export interface Output {
  readonly json: boolean;
  /** Writes one line to stdout. */
  line(text: string): void;
  /** Writes a value as JSON on one line to stdout. */
  data(value: unknown): void;
  /** Writes one line to stderr (notes that are not the command's result). */
  note(text: string): void;
}

export function createOutput(
  json: boolean,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Output {
  return {
    json,
    line: (text) => void stdout.write(`${text}\n`),
    data: (value) => void stdout.write(`${JSON.stringify(value)}\n`),
    note: (text) => void stderr.write(`${text}\n`),
  };
}

/** Lines of a table with left-aligned columns separated by two spaces; the header first. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)];
}

/** A duration for people: `850ms`, `12.3s`, `4m05s`, `2h07m`, `3d04h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1_000);
  const two = (value: number) => String(value).padStart(2, '0');
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m${two(seconds % 60)}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)}h${two(Math.floor((seconds % 3_600) / 60))}m`;
  return `${Math.floor(seconds / 86_400)}d${two(Math.floor((seconds % 86_400) / 3_600))}h`;
}

/** Progress for people: `3/10 (30%) message`, or `-` without progress. */
export function formatProgress(
  progress: { current: number; total: number; message: string | null } | null | undefined,
): string {
  if (progress === null || progress === undefined) return '-';
  const percent = progress.total > 0 ? ` (${Math.floor((progress.current / progress.total) * 100)}%)` : '';
  return `${progress.current}/${progress.total}${percent}${progress.message ? ` ${progress.message}` : ''}`;
}

/** Parses a whole number option (`--timeout 5000`) or throws a UsageError naming the option. */
export function parseWholeNumber(option: string, value: string, minimum = 0): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < minimum) {
    throw new UsageError(`${option}: expected a whole number of at least ${minimum}, got "${value}"`);
  }
  return parsed;
}
