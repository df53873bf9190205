/**
 * `npm run bench -- export`: throughput and memory of the export stage's rendering. For a
 * short (about 3 pages) and a long (about 100 pages) financial report, a fresh process renders
 * one warm-up report, then `--reports` / `--long-reports` more with exportReport (templates,
 * Vega-Lite charts, pdfmake layout, the PDF written to a temp directory by temporary name and
 * rename), and reports reports/s, pages/s and the process's peak RSS. No Kafka: the stage
 * runtime's share of a multi-second job is negligible, and the figures are the renderer's.
 * Prints figures; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import type { ExportWorkerArgs, ExportWorkerReport } from './export-worker.ts';

export const EXPORT_SYNOPSIS = 'npm run bench -- export [--reports 10] [--long-reports 3] [--long-rows 3600]';

export interface ExportBenchOptions {
  reports: number;
  longReports: number;
  /** Invoice rows of the long report (3,600 make about 100 pages). */
  longRows: number;
}

const WORKER = new URL('./export-worker.ts', import.meta.url).pathname;

function whole(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new Error(`--${name}: expected a whole number above 0`);
  return Number(value);
}

export function parseExportOptions(args: readonly string[]): ExportBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: { reports: { type: 'string' }, 'long-reports': { type: 'string' }, 'long-rows': { type: 'string' } },
    strict: true,
  });
  return {
    reports: whole('reports', values.reports, 10),
    longReports: whole('long-reports', values['long-reports'], 3),
    longRows: whole('long-rows', values['long-rows'], 3600),
  };
}

/** The printed table (pure). */
export function exportTable(rows: readonly { workload: string; report: ExportWorkerReport }[]): string[] {
  const cells = [
    ['workload', 'reports', 'pages/report', 'KiB/report', 'reports/s', 'pages/s', 'peak RSS MiB'],
    ...rows.map(({ workload, report }) => [
      workload,
      String(report.reports),
      String(report.pages),
      (report.sizeBytes / 1024).toFixed(0),
      (report.reports / report.seconds).toFixed(2),
      ((report.reports * report.pages) / report.seconds).toFixed(1),
      (report.peakRssBytes / 2 ** 20).toFixed(0),
    ]),
  ];
  const widths = cells[0]!.map((_heading, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  '),
  );
}

async function runWorker(args: ExportWorkerArgs): Promise<ExportWorkerReport> {
  const { stdout } = await promisify(execFile)(process.execPath, [WORKER, JSON.stringify(args)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ExportWorkerReport;
}

export async function runExportBenchmark(options: ExportBenchOptions): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'sedano-bench-export-'));
  try {
    const rows: { workload: string; report: ExportWorkerReport }[] = [];
    for (const [workload, reports, detailRows] of [
      ['financial, short', options.reports, 0],
      ['financial, long', options.longReports, options.longRows],
    ] as const) {
      const report = await runWorker({ reports, detailRows, dir: join(dir, String(rows.length)) });
      rows.push({ workload, report });
    }
    for (const line of exportTable(rows)) console.log(line);
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
