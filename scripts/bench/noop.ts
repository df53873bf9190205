/**
 * `npm run bench -- noop`: end-to-end no-op throughput and latency (submitted -> SUCCESS
 * visible in Redis) of sedano at fixed rates and in one burst, and the same workload on
 * BullMQ against the same Redis, for a ratio. Prints figures; asserts nothing about time.
 *
 * Each system runs alone in turn (sedano, then BullMQ): started, warmed up until its first
 * jobs succeed (group joins, schema registration), measured, then stopped and cleaned up.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { resolveEndpoints } from '../../services/lib/endpoints.ts';
import type { Logger } from '../../services/lib/logger.ts';
import { startBullmqSystem } from './bullmq-system.ts';
import { Cleanup } from './cleanup.ts';
import { type BenchSystem, measure, type Workload, workloadLabel } from './load.ts';
import { type Detection, startSedanoSystem } from './sedano-system.ts';
import type { Summary } from './stats.ts';
import { type ComparisonRow, formatComparison } from './table.ts';

/** The command line of this benchmark. */
export const NOOP_SYNOPSIS =
  'npm run bench -- noop [--rates 100,200,400] [--duration 10] [--burst 5000] [--concurrency 16] ' +
  '[--poll] [--only sedano|bullmq] [--json]';

export interface NoopBenchOptions {
  /** Fixed submission rates, in jobs per second. */
  rates: number[];
  /** How long each rate is held, in milliseconds. */
  durationMs: number;
  /** Jobs of the burst (submitted as fast as possible); 0 for none. */
  burst: number;
  concurrency: number;
  detection: Detection;
  systems: ('sedano' | 'bullmq')[];
  json: boolean;
}

/** Jobs of the warm-up, whose figures are not reported. */
const WARM_UP_JOBS = 200;
/** How long a workload's jobs may take to succeed after the last was submitted. */
const SETTLE_TIMEOUT_MS = 30_000;
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
      rates: { type: 'string', default: '100,200,400' },
      duration: { type: 'string', default: '10' },
      burst: { type: 'string', default: '5000' },
      concurrency: { type: 'string', default: '16' },
      poll: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.only !== undefined && values.only !== 'sedano' && values.only !== 'bullmq') {
    throw new RangeError(`--only: expected sedano or bullmq, got "${values.only}"`);
  }
  return {
    rates: values.rates === '' ? [] : values.rates.split(',').map((rate) => positive('rates', rate.trim())),
    durationMs: positive('duration', values.duration) * 1000,
    burst: positive('burst', values.burst, true),
    concurrency: positive('concurrency', values.concurrency),
    detection: values.poll ? 'poll' : 'notify',
    systems: values.only === undefined ? ['sedano', 'bullmq'] : [values.only],
    json: values.json,
  };
}

export function noopWorkloads(options: Pick<NoopBenchOptions, 'rates' | 'durationMs' | 'burst'>): Workload[] {
  const workloads: Workload[] = options.rates.map((rate) => ({
    kind: 'rate',
    rate,
    durationMs: options.durationMs,
  }));
  if (options.burst > 0) workloads.push({ kind: 'burst', jobs: options.burst });
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
    const warmUp = await measure(system, { kind: 'burst', jobs: WARM_UP_JOBS }, WARM_UP_TIMEOUT_MS);
    if (warmUp.completed < warmUp.submitted) {
      throw new Error(`${system.name}: only ${warmUp.completed} of ${warmUp.submitted} warm-up jobs succeeded`);
    }
    const summaries: Summary[] = [];
    for (const workload of workloads) {
      progress(`${system.name}: ${workloadLabel(workload)}`);
      summaries.push(await measure(system, workload, SETTLE_TIMEOUT_MS));
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
  };
  const names = { sedano: 'sedano', bullmq: 'BullMQ' };
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
    console.log(
      `\nlatency: submitted -> SUCCESS visible in Redis (sedano: status view, seen by ` +
        `${options.detection === 'notify' ? 'keyspace notification' : 'polling every 10 ms'}; ` +
        `BullMQ: QueueEvents "completed"); concurrency ${options.concurrency}; ratios are sedano/BullMQ`,
    );
  }
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}
