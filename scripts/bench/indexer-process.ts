/**
 * The indexer worker as a child process of the indexing benchmark: `services/indexer/main.ts`
 * itself (the service kit, the stage runtime, its worker threads, telemetry as configured),
 * started with the benchmark's settings, so its memory is measured apart from the benchmark's
 * own (corpus generator, producer, polling). Its log lines at warn and above go to stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { INDEXER_LAUNCH } from '../../services/indexer/indexer-launch.ts';
import { type ProcessMemory, readProcessMemory } from './process-memory.ts';

const INDEXER_MAIN = new URL('../../services/indexer/main.ts', import.meta.url).pathname;
/** The line main.ts logs once its stage runs (it has joined its consumer groups). */
const READY_MESSAGE = 'indexing stage running';
const PINO_WARN = 40;
const STOP_GRACE_MS = 15_000;

export interface IndexerProcess {
  pid: number;
  memory(): Promise<ProcessMemory | undefined>;
  /** SIGTERM, then SIGKILL if it has not ended within the grace period. */
  stop(): Promise<void>;
}

/** Starts the indexer worker with `env` added to this process's environment; resolves once it runs. */
export async function startIndexerProcess(env: Record<string, string>): Promise<IndexerProcess> {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...INDEXER_LAUNCH.environment, ...env, LOG_LEVEL: 'info' };
  // The metrics port of the environment may be a running worker's.
  delete environment['SEDANO_METRICS_PORT'];
  // Started as every launcher starts it, its memory settings included (services/indexer/indexer-launch.ts).
  const child = spawn(process.execPath, [...INDEXER_LAUNCH.nodeFlags, INDEXER_MAIN], {
    env: environment,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`the indexer worker exited with code ${code} before it ran`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = parseLogLine(line);
      if (entry?.msg === READY_MESSAGE) resolve();
      else if (entry === undefined || entry.level >= PINO_WARN) console.error(`indexer worker: ${line}`);
    });
  });
  const pid = child.pid!;
  return {
    pid,
    memory: () => readProcessMemory(pid),
    stop: () => stopChild(child, exited),
  };
}

function parseLogLine(line: string): { msg: string; level: number } | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; level?: unknown };
    return { msg: String(entry.msg), level: Number(entry.level) };
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
