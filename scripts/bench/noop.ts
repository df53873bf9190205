/**
 * `npm run bench -- noop`: end-to-end no-op throughput and latency (submitted -> SUCCESS
 * visible in Redis) of sedano at fixed rates and in one burst, and the same workload on
 * BullMQ and on Celery against the same Redis, for ratios. Prints figures; asserts nothing about time.
 *
 * Each system runs alone in turn (sedano, BullMQ, then Celery): started, warmed up until its first
 * jobs succeed (group joins, schema registration), measured, then stopped and cleaned up.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { resolveEndpoints } from '../../services/lib/endpoints.ts';
import type { Logger } from '../../services/lib/logger.ts';
import { startBullmqSystem } from './bullmq-system.ts';
import { startCelerySystem } from './celery-system.ts';
import { Cleanup } from './cleanup.ts';
import { type BenchSystem, measure, type Workload, workloadLabel } from './load.ts';
import { type Detection, startSedanoSystem } from './sedano-system.ts';
import type { Summary } from './stats.ts';
import { type ComparisonRow, formatComparison } from './table.ts';

/** The command line of this benchmark. */
export const NOOP_SYNOPSIS =
  'npm run bench -- noop [--rates 100,400,1000] [--duration 10] [--burst 20000] [--burst-rounds 3] [--concurrency 16] ' +
  '[--poll] [--only sedano|bullmq|celery[,...]] [--celery-db 14] [--json]';

export interface NoopBenchOptions {
  /** Fixed submission rates, in jobs per second. */
  rates: number[];
  /** How long each rate is held, in milliseconds. */
  durationMs: number;
  /** Jobs of the burst (submitted as fast as possible); 0 for none. */
  burst: number;
  /**
   * Bursts each system runs one after the other, summarized as one. A burst of 20,000 lasts
   * about 1.5 s on sedano and BullMQ, and the other processes' load changes within seconds: one
   * burst a system measured that as much as the system (docs/benchmarks.md).
   */
  burstRounds: number;
  concurrency: number;
  detection: Detection;
  systems: SystemName[];
  /** The Redis database Celery's broker and results use (it must be empty). */
  celeryDatabase: number;
  json: boolean;
}

const SYSTEMS = ['sedano', 'bullmq', 'celery'] as const;
type SystemName = (typeof SYSTEMS)[number];

/** Jobs of the warm-up, whose figures are not reported. */
const WARM_UP_JOBS = 200;
/**
 * How long a workload's jobs may take to succeed after the last was submitted: 30 s, or as
 * long as its jobs take at 100 jobs/s (a burst on the slowest peer).
 */
export function settleTimeoutMs(workload: Workload): number {
  const jobs = workload.kind === 'burst' ? workload.jobs : (workload.rate * workload.durationMs) / 1000;
  return Math.max(30_000, (jobs / 100) * 1000);
}
const WARM_UP_TIMEOUT_MS = 60_000;

function positive(name: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new RangeError(`--${name}: expected a whole number, got "${value}"`);
  return n;
}

/** Reads the command line after `noop`; throws a RangeError naming the bad option. */
export function parseNoopOptions(args: readonly string[]): NoopBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      rates: { type: 'string', default: '100,400,1000' },
      duration: { type: 'string', default: '10' },
      burst: { type: 'string', default: '20000' },
      'burst-rounds': { type: 'string', default: '3' },
      'celery-db': { type: 'string', default: '14' },
      concurrency: { type: 'string', default: '16' },
      poll: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.find((name) => !(SYSTEMS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new RangeError(`--only: expected sedano, bullmq or celery, got "${unknown}"`);
  return {
    rates: values.rates === '' ? [] : values.rates.split(',').map((rate) => positive('rates', rate.trim())),
    durationMs: positive('duration', values.duration) * 1000,
    burst: positive('burst', values.burst, true),
    burstRounds: positive('burst-rounds', values['burst-rounds']),
    concurrency: positive('concurrency', values.concurrency),
    detection: values.poll ? 'poll' : 'notify',
    systems: only === undefined ? [...SYSTEMS] : SYSTEMS.filter((name) => only.includes(name)),
    celeryDatabase: positive('celery-db', values['celery-db'], true),
    json: values.json,
  };
}

export function noopWorkloads(
  options: Pick<NoopBenchOptions, 'rates' | 'durationMs' | 'burst' | 'burstRounds'>,
): Workload[] {
  const workloads: Workload[] = options.rates.map((rate) => ({
    kind: 'rate',
    rate,
    durationMs: options.durationMs,
  }));
  if (options.burst > 0) workloads.push({ kind: 'burst', jobs: options.burst, rounds: options.burstRounds });
  return workloads;
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function runSystem(
  start: (cleanup: Cleanup) => Promise<BenchSystem>,
  workloads: readonly Workload[],
): Promise<Summary[]> {
  const cleanup = new Cleanup();
  const stop = () =>
    cleanup.run((name, error) => progress(`cleanup step "${name}" failed: ${(error as Error).message}`));
  const interrupted = () => void stop().then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const system = await start(cleanup);
    const warmUp = await measure(system, { kind: 'burst', jobs: WARM_UP_JOBS, rounds: 1 }, WARM_UP_TIMEOUT_MS);
    if (warmUp.completed < warmUp.submitted) {
      throw new Error(`${system.name}: only ${warmUp.completed} of ${warmUp.submitted} warm-up jobs succeeded`);
    }
    const summaries: Summary[] = [];
    for (const workload of workloads) {
      progress(`${system.name}: ${workloadLabel(workload)}`);
      summaries.push(await measure(system, workload, settleTimeoutMs(workload)));
    }
    return summaries;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    const failures = await stop();
    if (failures.length > 0) process.exitCode = 1;
  }
}

/** Runs the benchmark and prints its table (or its figures as JSON); resolves with the exit code. */
export async function runNoopBenchmark(options: NoopBenchOptions): Promise<number> {
  const endpoints = resolveEndpoints(process.env);
  // Logs go to stderr: stdout holds only the table or the JSON.
  const logger: Logger = pino({ name: 'sedano-bench', level: process.env['LOG_LEVEL'] ?? 'warn' }, pino.destination(2));
  const workloads = noopWorkloads(options);
  const starters = {
    sedano: (cleanup: Cleanup) =>
      startSedanoSystem({
        endpoints,
        logger,
        concurrency: options.concurrency,
        detection: options.detection,
        cleanup,
      }),
    bullmq: (cleanup: Cleanup) => startBullmqSystem({ endpoints, concurrency: options.concurrency, cleanup }),
    celery: (cleanup: Cleanup) => startCelerySystem({ endpoints, database: options.celeryDatabase, cleanup, progress }),
  };
  const names = { sedano: 'sedano', bullmq: 'BullMQ', celery: 'Celery' };
  const results: { system: string; summaries: Summary[] }[] = [];
  for (const system of options.systems) {
    progress(`starting ${names[system]}`);
    results.push({ system: names[system], summaries: await runSystem(starters[system], workloads) });
  }
  const rows: ComparisonRow[] = workloads.map((workload, i) => ({
    workload: workloadLabel(workload),
    systems: results.map(({ system, summaries }) => ({ system, summary: summaries[i]! })),
  }));
  if (options.json) {
    const settings = {
      concurrency: options.concurrency,
      detection: options.detection,
      cpus: availableParallelism(),
    };
    console.log(
      JSON.stringify(
        {
          benchmark: 'noop',
          settings,
          workloads: workloads.map((workload, i) => ({
            label: rows[i]!.workload,
            ...workload,
            systems: rows[i]!.systems,
          })),
        },
        null,
        2,
      ),
    );
  } else {
    console.log(formatComparison(rows));
    const burst = rows.find((_, i) => workloads[i]!.kind === 'burst' && options.burstRounds > 1);
    if (burst !== undefined) {
      const perRound = burst.systems.map(
        ({ system, summary }) =>
          `${system} ${summary.roundThroughputs.map((n) => (Number.isFinite(n) ? n.toFixed(0) : '-')).join(', ')}`,
      );
      console.log(`\n${burst.workload}, throughput per burst (jobs/s): ${perRound.join('; ')}`);
    }
    console.log(
      `\nlatency: submitted -> SUCCESS visible in Redis (sedano: status view, seen by ` +
        `${options.detection === 'notify' ? 'keyspace notification' : 'polling every 10 ms'}; ` +
        `BullMQ: QueueEvents "completed"; Celery: result stored in its Redis backend); concurrency ` +
        `${options.concurrency} (Celery: prefork, ${availableParallelism()} processes); ratios are the first ` +
        `system's against each other`,
    );
  }
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}
