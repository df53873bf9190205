/**
 * Celery under test, on the same Redis as sedano's view but in a database of its own: a
 * prefork worker (concurrency = CPU cores) running a task that does nothing, with Redis as
 * broker and result backend. The worker's Python environment is made once from PyPI
 * (`celery[redis]`, pinned) under the cache directory and reused.
 *
 * Jobs are enqueued from this process by pushing Celery's own task messages (protocol 2,
 * JSON) onto the queue's Redis list, as `apply_async` does, so the driver is the same for
 * every system. A job's success is visible when its result is stored: the Redis result
 * backend publishes each result on a channel named after its key, which this process
 * subscribes to. At the end the worker is stopped and the database is flushed (it must be
 * empty at the start, so nothing but the benchmark's keys is ever removed).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { Endpoints } from '../../services/lib/endpoints.ts';
import { cacheDir } from '../local-stack/paths.ts';
import type { Cleanup } from './cleanup.ts';
import type { BenchSystem, Recorder } from './load.ts';

/** The pinned Celery release (and its Redis extra) the environment is made with. */
export const CELERY_REQUIREMENT = 'celery[redis]==5.7.0';
const TASK = 'sedano_bench.noop';
const QUEUE = 'celery';
/** Messages per LPUSH when many jobs are submitted at once (as on the other sides). */
const CHUNK = 500;
const STOP_TIMEOUT_MS = 15_000;

const run = promisify(execFile);

export interface CelerySystemOptions {
  endpoints: Endpoints;
  /** The Redis database (index) of Celery's broker and results; it must be empty. */
  database: number;
  /** Where the Python environment lives (default the local stack's cache, `~/.cache/sedano`). */
  cacheDir?: string;
  cleanup: Cleanup;
  progress: (message: string) => void;
}

const WORKER_MODULE = `# Written by sedano's bench (scripts/bench/celery-system.ts).
import os
from celery import Celery

app = Celery('sedano_bench', broker=os.environ['BENCH_REDIS'], backend=os.environ['BENCH_REDIS'])
app.conf.update(task_serializer='json', result_serializer='json', accept_content=['json'],
                worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)

@app.task(name='${TASK}')
def noop(sleepMs=0, cpuSpinMs=0, failureRate=0, payload=None):
    return None
`;

/** Makes the virtual environment with the pinned Celery unless it is there; resolves with its directory. */
async function ensureEnvironment(cacheDir: string, progress: (message: string) => void): Promise<string> {
  const dir = join(cacheDir, `celery-${CELERY_REQUIREMENT.split('==')[1]}`);
  const marker = join(dir, '.installed');
  if (existsSync(marker)) return dir;
  progress(`making a Python environment with ${CELERY_REQUIREMENT} in ${dir}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  await run('python3', ['-m', 'venv', dir]);
  await run(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', CELERY_REQUIREMENT], {
    maxBuffer: 16 * 1024 * 1024,
  });
  await writeFile(marker, `${CELERY_REQUIREMENT}\n`);
  return dir;
}

/** Celery's task message for a call of `TASK` with no arguments (kombu's Redis transport envelope). */
export function celeryMessage(taskId: string, origin: string): string {
  const body = [
    [],
    { sleepMs: 0, cpuSpinMs: 0, failureRate: 0, payload: null },
    { callbacks: null, errbacks: null, chain: null, chord: null },
  ];
  return JSON.stringify({
    body: Buffer.from(JSON.stringify(body)).toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: {
      lang: 'py',
      task: TASK,
      id: taskId,
      shadow: null,
      eta: null,
      expires: null,
      group: null,
      group_index: null,
      retries: 0,
      timelimit: [null, null],
      root_id: taskId,
      parent_id: null,
      argsrepr: '()',
      kwargsrepr: '{}',
      origin,
      ignore_result: false,
    },
    properties: {
      correlation_id: taskId,
      reply_to: '',
      delivery_mode: 2,
      delivery_info: { exchange: '', routing_key: QUEUE },
      priority: 0,
      body_encoding: 'base64',
      delivery_tag: randomUUID(),
    },
  });
}

/** Waits for the worker to exit after SIGTERM (Celery's warm shutdown), killing it after a while. */
async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.kill('SIGTERM');
  const timer = setTimeout(() => worker.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export async function startCelerySystem(options: CelerySystemOptions): Promise<BenchSystem> {
  const { endpoints, database, cleanup, progress } = options;
  const env = await ensureEnvironment(options.cacheDir ?? cacheDir(), progress);
  const url = new URL(endpoints.redisUrl);
  url.pathname = `/${database}`;
  const redisUrl = url.toString();

  const redis = new Redis(redisUrl);
  cleanup.add('redis', () => redis.quit());
  const size = await redis.dbsize();
  if (size > 0) throw new Error(`Redis database ${database} holds ${size} keys: Celery's bench needs an empty one`);
  cleanup.add('celery keys', () => redis.flushdb());

  const workDir = join(env, 'work');
  await mkdir(workDir, { recursive: true });
  await writeFile(join(workDir, 'sedano_bench.py'), WORKER_MODULE);
  const cores = availableParallelism();
  const worker = spawn(
    join(env, 'bin', 'celery'),
    [
      '-A',
      'sedano_bench',
      'worker',
      '--pool',
      'prefork',
      '--concurrency',
      String(cores),
      '--loglevel',
      'WARNING',
      '--without-gossip',
      '--without-mingle',
      '--without-heartbeat',
      '-Q',
      QUEUE,
    ],
    {
      cwd: workDir,
      env: { ...process.env, BENCH_REDIS: redisUrl, PYTHONWARNINGS: 'ignore' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  cleanup.add('celery worker', () => stopWorker(worker));

  let current: Recorder | undefined;
  const subscriber = new Redis(redisUrl);
  cleanup.add('redis subscriber', () => subscriber.quit());
  const prefix = 'celery-task-meta-';
  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (current && message.includes('"SUCCESS"')) current.visible(channel.slice(prefix.length), performance.now());
  });
  // Channels are not scoped by database: the prefix is Celery's, the task ids are ours.
  await subscriber.psubscribe(`${prefix}*`);

  const origin = `sedano-bench@${hostname()}`;
  return {
    name: 'Celery',
    async submit(count, recorder) {
      current = recorder;
      const taskIds = Array.from({ length: count }, () => randomUUID());
      for (let start = 0; start < taskIds.length; start += CHUNK) {
        const chunk = taskIds.slice(start, start + CHUNK);
        recorder.submitted(chunk, performance.now());
        await redis.lpush(QUEUE, ...chunk.map((taskId) => celeryMessage(taskId, origin)));
      }
    },
  };
}
