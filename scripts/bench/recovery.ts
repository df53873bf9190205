/**
 * `npm run bench -- recovery`: how soon a noop worker that was SIGKILLed and started again
 * runs jobs: a worker process (services/noop/main.ts) on a namespace of the benchmark's own,
 * the status projector in this process; once the worker has run a job it is killed and
 * started again at once, a job is submitted every 100 ms, and the time from the restart to
 * the first of them visible as SUCCESS is the figure (it includes the process's start).
 * Prints figures; asserts nothing about time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { resolveEndpoints } from '../../services/lib/endpoints.ts';
import { Cleanup } from './cleanup.ts';
import { type BenchSystem, Recorder } from './load.ts';
import { startSedanoSystem } from './sedano-system.ts';

export const RECOVERY_SYNOPSIS = 'npm run bench -- recovery [--rounds 1]';

export interface RecoveryBenchOptions {
  /** Kill-and-restart rounds, each measured. */
  rounds: number;
}

const SUBMIT_EVERY_MS = 100;
const TIMEOUT_MS = 120_000;

export function parseRecoveryOptions(args: readonly string[]): RecoveryBenchOptions {
  const { values } = parseArgs({ args: [...args], options: { rounds: { type: 'string', default: '1' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`--rounds: expected a whole number, got "${values.rounds}"`);
  return { rounds };
}

function startWorker(namespace: string): ChildProcess {
  return spawn(process.execPath, ['services/noop/main.ts'], {
    env: { ...process.env, SEDANO_NAMESPACE: namespace, SEDANO_WORKER_ID: `${namespace}-worker`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function kill(worker: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill(signal);
  await exited;
}

/** Submits a job every 100 ms until one is seen to succeed; resolves with when, or NaN after the timeout. */
async function firstSuccess(system: BenchSystem): Promise<number> {
  const recorder = new Recorder();
  const deadline = performance.now() + TIMEOUT_MS;
  while (performance.now() < deadline) {
    await system.submit(1, recorder);
    await sleep(SUBMIT_EVERY_MS);
    const { completed, durationMs } = recorder.summary();
    if (completed > 0) return recorder.firstSubmittedAt + durationMs;
  }
  return Number.NaN;
}

export async function runRecoveryBenchmark(options: RecoveryBenchOptions): Promise<number> {
  const endpoints = resolveEndpoints(process.env);
  const logger = pino({ name: 'sedano-bench', level: 'warn' }, pino.destination(2));
  const cleanup = new Cleanup();
  const namespace = `bench-${randomUUID().slice(0, 8)}`;
  let worker: ChildProcess | undefined;
  try {
    const system = await startSedanoSystem({
      endpoints,
      logger,
      concurrency: 1,
      detection: 'notify',
      cleanup,
      namespace,
      runtime: false,
    });
    // Registered after the system's steps, so it runs before them: the worker is gone before
    // the namespace's keys are deleted, and writes none after.
    cleanup.add('worker', () => worker && kill(worker, 'SIGTERM'));
    const startedAt = performance.now();
    worker = startWorker(namespace);
    const first = await firstSuccess(system);
    console.log(`first start: first job visible ${((first - startedAt) / 1000).toFixed(1)} s after the start`);
    for (let round = 1; round <= options.rounds; round += 1) {
      await kill(worker, 'SIGKILL');
      const restartedAt = performance.now();
      worker = startWorker(namespace);
      const visible = await firstSuccess(system);
      console.log(
        `round ${round}: SIGKILL, restarted at once: first job visible ${((visible - restartedAt) / 1000).toFixed(1)} s after the restart`,
      );
    }
    return 0;
  } finally {
    await cleanup.run((name, error) => process.stderr.write(`cleanup "${name}" failed: ${(error as Error).message}\n`));
  }
}
