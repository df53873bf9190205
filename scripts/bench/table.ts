/**
 * The printed table of a comparison (pure): one row per workload and system, then the
 * ratio of the first system to each other one for throughput and p50.
 */
import { ratio, type Summary } from './stats.ts';

export interface ComparisonRow {
  workload: string;
  /** The figures of each system, in column order: the first is compared with each other one. */
  systems: readonly { system: string; summary: Summary }[];
}

const HEADERS = ['workload', 'system', 'jobs', 'throughput jobs/s', 'p50 ms', 'p95 ms', 'p99 ms'];
/** Columns aligned left; the others are numbers, aligned right. */
const LEFT = new Set([0, 1]);

function figure(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : '-';
}

function jobs({ submitted, completed }: Summary): string {
  return completed === submitted ? String(submitted) : `${completed}/${submitted}`;
}

/** The cells of the table, header first. */
export function comparisonCells(rows: readonly ComparisonRow[]): string[][] {
  const cells = [HEADERS];
  for (const { workload, systems } of rows) {
    for (const { system, summary } of systems) {
      cells.push([
        workload,
        system,
        jobs(summary),
        figure(summary.throughputPerSecond),
        figure(summary.p50Ms),
        figure(summary.p95Ms),
        figure(summary.p99Ms),
      ]);
    }
    const [first, ...others] = systems;
    if (!first) continue;
    for (const second of others) {
      cells.push([
        workload,
        `${first.system}/${second.system}`,
        '',
        times(ratio(first.summary.throughputPerSecond, second.summary.throughputPerSecond)),
        times(ratio(first.summary.p50Ms, second.summary.p50Ms)),
        '',
        '',
      ]);
    }
  }
  return cells;
}

/** The table as text, columns padded to their widest cell, a rule under the header. */
export function formatComparison(rows: readonly ComparisonRow[]): string {
  const cells = comparisonCells(rows);
  const widths = HEADERS.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (LEFT.has(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  const [header = [], ...body] = cells;
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}
