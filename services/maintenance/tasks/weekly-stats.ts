/**
 * The weekly report's figures (pure), from each job's newest status event and the dead
 * letters: jobs per stage and state, run-time percentiles per stage, top failure codes, dead
 * letters per code, and throughput (jobs ended) per day.
 */
import type { JobStatusEvent } from '../../../schemas/job-status-event.ts';
import type { ReportSection } from '../../../schemas/report-section.ts';
import { percentile } from '../../lib/percentile.ts';

export interface WeekWindow {
  /** Inclusive start and exclusive end, in ms since the epoch. */
  startMs: number;
  endMs: number;
}

export interface RunTimes {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface WeeklyStats {
  window: WeekWindow;
  jobs: number;
  /** Stage -> state -> jobs. */
  byStageState: Record<string, Record<string, number>>;
  /** Stage -> run times of its ended jobs (SUCCESS or FAILURE with both times). */
  runTimes: Record<string, RunTimes>;
  /** Most frequent failure codes, most frequent first (ties by code). */
  topFailures: { code: string; count: number }[];
  deadLetters: { code: string; count: number }[];
  /** Jobs ended per UTC day of the window, oldest first. */
  perDay: { day: string; ended: number }[];
}

const DAY_MS = 86_400_000;

function ranked(counts: Map<string, number>, limit: number): { code: string; count: number }[] {
  return [...counts.entries()]
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .slice(0, limit);
}

export function weeklyStats(
  events: readonly JobStatusEvent[],
  deadLetters: readonly { errorCode: string; failedAt: number }[],
  window: WeekWindow,
  topN = 10,
): WeeklyStats {
  const inWindow = (ms: number) => ms >= window.startMs && ms < window.endMs;
  const jobs = events.filter((event) => inWindow(event.occurredAt));
  const byStageState: WeeklyStats['byStageState'] = {};
  const durations = new Map<string, number[]>();
  const failures = new Map<string, number>();
  const perDay = new Map<number, number>();
  for (let day = Math.floor(window.startMs / DAY_MS); day * DAY_MS < window.endMs; day += 1) perDay.set(day, 0);
  for (const event of jobs) {
    const stage = (byStageState[event.stage] ??= {});
    stage[event.state] = (stage[event.state] ?? 0) + 1;
    const ended = event.state === 'SUCCESS' || event.state === 'FAILURE';
    if (ended && event.startedAt !== null && event.finishedAt !== null) {
      durations.set(event.stage, [...(durations.get(event.stage) ?? []), event.finishedAt - event.startedAt]);
    }
    if (event.state === 'FAILURE' && event.error)
      failures.set(event.error.code, (failures.get(event.error.code) ?? 0) + 1);
    if (TERMINAL.has(event.state) && event.finishedAt !== null && inWindow(event.finishedAt)) {
      const day = Math.floor(event.finishedAt / DAY_MS);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
  }
  const runTimes: WeeklyStats['runTimes'] = {};
  for (const [stage, values] of durations) {
    const sorted = [...values].sort((a, b) => a - b);
    runTimes[stage] = {
      count: sorted.length,
      p50Ms: percentile(sorted, 0.5),
      p90Ms: percentile(sorted, 0.9),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? 0,
    };
  }
  const dead = new Map<string, number>();
  for (const letter of deadLetters.filter((letter) => inWindow(letter.failedAt))) {
    dead.set(letter.errorCode, (dead.get(letter.errorCode) ?? 0) + 1);
  }
  return {
    window,
    jobs: jobs.length,
    byStageState,
    runTimes,
    topFailures: ranked(failures, topN),
    deadLetters: ranked(dead, topN),
    perDay: [...perDay.entries()].map(([day, ended]) => ({
      day: new Date(day * DAY_MS).toISOString().slice(0, 10),
      ended,
    })),
  };
}

const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);
const STATES = ['PENDING', 'STARTED', 'PROGRESS', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED'] as const;

/** A table, or none when it has no rows (the section's paragraph says so instead). */
function tableOf(columns: string[], rows: string[][]): ReportSection['table'] {
  return rows.length === 0 ? null : { columns, rows };
}

/** The report's sections for the export stage's `default` template (pure). */
export function weeklyReportSections(stats: WeeklyStats): ReportSection[] {
  const from = new Date(stats.window.startMs).toISOString().slice(0, 10);
  const to = new Date(stats.window.endMs - 1).toISOString().slice(0, 10);
  const stages = Object.keys(stats.byStageState).sort();
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  return [
    {
      heading: 'Jobs per stage and state',
      paragraphs: [`${stats.jobs} jobs from ${from} to ${to} (UTC), by their last state.`],
      table: {
        columns: ['Stage', ...STATES],
        rows: stages.map((stage) => [stage, ...STATES.map((state) => String(stats.byStageState[stage]?.[state] ?? 0))]),
      },
      charts: [],
    },
    {
      heading: 'Run times',
      paragraphs: [
        'Seconds from start to end of the jobs that ended (success or failure).',
        ...(Object.keys(stats.runTimes).length === 0 ? ['No job ended.'] : []),
      ],
      table: tableOf(
        ['Stage', 'Jobs', 'p50 s', 'p90 s', 'p99 s', 'max s'],
        Object.entries(stats.runTimes)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([stage, t]) => [
            stage,
            String(t.count),
            seconds(t.p50Ms),
            seconds(t.p90Ms),
            seconds(t.p99Ms),
            seconds(t.maxMs),
          ]),
      ),
      charts: [],
    },
    {
      heading: 'Top failure codes',
      paragraphs: stats.topFailures.length === 0 ? ['No job failed.'] : [],
      table: tableOf(
        ['Code', 'Jobs'],
        stats.topFailures.map(({ code, count }) => [code, String(count)]),
      ),
      charts: [],
    },
    {
      heading: 'Dead letters',
      paragraphs: stats.deadLetters.length === 0 ? ['No dead letter.'] : [],
      table: tableOf(
        ['Code', 'Messages'],
        stats.deadLetters.map(({ code, count }) => [code, String(count)]),
      ),
      charts: [],
    },
    {
      heading: 'Throughput per day',
      paragraphs: ['Jobs that reached a final state, per UTC day.'],
      table: { columns: ['Day', 'Jobs ended'], rows: stats.perDay.map(({ day, ended }) => [day, String(ended)]) },
      charts: [],
    },
  ];
}
