/**
 * A real noop worker process (services/noop/main.ts on the service kit) with the environment a
 * test gives it, serving its metrics on a free port (SEDANO_METRICS_PORT=0): resolves once the kit
 * logged that port, with every line the process wrote so far and after (stdout and stderr), and
 * a way to stop it (SIGTERM; stopped at the test's end too); or one expected to stop by itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { createCodec } from '../../services/lib/codec.ts';
import { createJobClient } from '../../services/lib/job-client.ts';
import type { KafkaProducer } from '../../services/lib/kafka.ts';
import { stageTopics } from '../../services/lib/runtime/stage-runtime.ts';
import type { TopologyNames } from '../../topology/names.ts';
import { parseExposition, sampleValue } from './prometheus.ts';
import { onCleanup, schemaRegistry } from './resources.ts';
import { waitFor } from './wait.ts';

const NOOP_MAIN = new URL('../../services/noop/main.ts', import.meta.url).pathname;

/** The noop stage's topics and the dead-letter topic: what a noop worker's namespace needs (`namespaceOfItsOwn`). */
export function noopTopics(names: TopologyNames): string[] {
  const stage = stageTopics(names, 'noop');
  return [...stage.lanes, ...Object.values(stage.retry), stage.status, stage.control, names.deadLetterTopic];
}

export interface NoopWorkerProcess {
  port: number;
  /** Every line the process wrote, stdout and stderr. */
  output: string[];
  stop(): Promise<number | null>;
}

export async function startNoopWorkerProcess(t: TestContext, env: Record<string, string>): Promise<NoopWorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [NOOP_MAIN], {
    env: { ...process.env, LOG_LEVEL: 'info', SEDANO_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  onCleanup(t, stop);
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    void exited.then((code) =>
      reject(new Error(`the noop worker exited with code ${code} before it served metrics:\n${output.join('\n')}`)),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const logged = line.startsWith('{') ? (JSON.parse(line) as { metricsPort?: number }).metricsPort : undefined;
      if (logged !== undefined) resolve(logged);
    });
  });
  return { port, output, stop };
}

/**
 * Runs a noop worker process that is expected to stop by itself (a setting refused, a server
 * refusing it): its exit code and everything it wrote. One that starts anyway is killed after
 * 60 s, and at the test's end, rather than left to hold the test or consume its lanes.
 */
export async function noopWorkerUntilItStops(
  t: TestContext,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [NOOP_MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  onCleanup(t, () => child.kill());
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

/** Submits one noop job with `producer`, then waits until the worker's metrics count its SUCCESS. */
export async function runOneNoopJob(
  worker: NoopWorkerProcess,
  producer: KafkaProducer,
  names: TopologyNames,
): Promise<void> {
  const client = createJobClient({
    producer,
    codec: createCodec({ registry: schemaRegistry() }),
    names,
    submitter: 't',
  });
  await client.submit('noop', { sleepMs: 1, cpuSpinMs: 0, payload: null, failureRate: 0 });
  await waitFor(
    async () => {
      const metrics = parseExposition(await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text());
      return sampleValue(metrics, 'sedano_worker_jobs_finished_total', { state: 'SUCCESS' }) === 1;
    },
    { description: 'the job succeeded on the worker', timeoutMs: 60_000 },
  );
}
