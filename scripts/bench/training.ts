/**
 * `npm run bench -- training`: speed, memory and accuracy of the training stage. For each
 * corpus size (generated English and Italian sentences in four classes; training-corpus.ts)
 * and each hidden-layer size, one run of trainModel in a process of its own
 * (training-run.ts: hashing embedder, TensorFlow.js on wasm): seconds to embed and to train,
 * training examples × epochs per second, the process's peak RSS and the final validation
 * accuracy. Then the end-to-end time of one job through the real stage (stage runtime and its
 * worker thread, a JSON Lines dataset under a document root, Kafka topics and Redis keys of
 * the benchmark's own): from producing the request to SUCCESS. Prints figures; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Redis } from 'ioredis';
import { DEFAULT_HASHING_DIMENSION } from '../../services/indexer/embedding/hashing.ts';
import { resolveEndpoints } from '../../services/lib/endpoints.ts';
import type { TrainerThreadSettings } from '../../services/trainer/settings.ts';
import { resolveTrainerOptions } from '../../services/trainer/trainer-options.ts';
import { Cleanup, deleteKeys } from './cleanup.ts';
import { startTrainingBenchStage } from './training-stage-run.ts';
import { generateLabelledCorpus } from './training-corpus.ts';
import type { TrainingRunFigures, TrainingRunOptions } from './training-run.ts';

export const TRAINING_SYNOPSIS =
  'npm run bench -- training [--sizes 2000,20000] [--hidden 0,64] [--epochs 10] [--batch-size 32] [--end-to-end 2000]';

export interface TrainingBenchOptions {
  sizes: number[];
  hidden: number[];
  epochs: number;
  batchSize: number;
  /** Examples of the end-to-end job; 0 skips it. */
  endToEnd: number;
}

export function parseTrainingOptions(args: readonly string[]): TrainingBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: Object.fromEntries(
      ['sizes', 'hidden', 'epochs', 'batch-size', 'end-to-end'].map((name) => [name, { type: 'string' as const }]),
    ),
  });
  const whole = (name: string, text: string, minimum: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < minimum)
      throw new RangeError(`--${name}: expected whole numbers of at least ${minimum}, got "${text}"`);
    return n;
  };
  const list = (name: string, fallback: string, minimum: number) =>
    (values[name] ?? fallback).split(',').map((text) => whole(name, text.trim(), minimum));
  return {
    sizes: list('sizes', '2000,20000', 40),
    hidden: list('hidden', '0,64', 0),
    epochs: whole('epochs', values['epochs'] ?? '10', 1),
    batchSize: whole('batch-size', values['batch-size'] ?? '32', 1),
    endToEnd: whole('end-to-end', values['end-to-end'] ?? '2000', 0),
  };
}

const MIB = 1024 * 1024;

/** The figures as a table (pure). */
export function formatTrainingTable(rows: readonly TrainingRunFigures[]): string {
  const headers = [
    'examples',
    'model',
    'epochs',
    'embed s',
    'train s',
    'CPU s',
    'examples/s',
    'peak RSS MiB',
    'val accuracy',
  ];
  const cells = [
    headers,
    ...rows.map((row) => [
      String(row.examples),
      row.hiddenUnits === 0 ? 'softmax' : `MLP ${row.hiddenUnits}`,
      String(row.epochs),
      row.embedSeconds.toFixed(2),
      row.trainSeconds.toFixed(2),
      row.cpuSeconds.toFixed(2),
      row.examplesPerSecond.toFixed(0),
      (row.peakRssBytes / MIB).toFixed(0),
      row.validationAccuracy === null ? '-' : row.validationAccuracy.toFixed(3),
    ]),
  ];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const execFileAsync = promisify(execFile);

export async function runTrainingBenchmark(options: TrainingBenchOptions): Promise<number> {
  const endpoints = resolveEndpoints(process.env);
  const cleanup = new Cleanup();
  const base = `bench-${randomUUID().slice(0, 8)}`;
  const redisPrefix = `${base}:`;
  const redis = new Redis(endpoints.redisUrl);
  cleanup.add('redis', () => redis.quit());
  cleanup.add('redis keys', () => deleteKeys(redis, `${redisPrefix}*`));
  try {
    const rows: TrainingRunFigures[] = [];
    for (const examples of options.sizes) {
      for (const hiddenUnits of options.hidden) {
        console.log(`training on ${examples} examples, ${hiddenUnits === 0 ? 'softmax head' : `MLP ${hiddenUnits}`} …`);
        const run: TrainingRunOptions = {
          examples,
          epochs: options.epochs,
          hiddenUnits,
          batchSize: options.batchSize,
          redisUrl: endpoints.redisUrl,
          namespace: base,
        };
        const { stdout } = await execFileAsync(process.execPath, [
          new URL('training-run.ts', import.meta.url).pathname,
          JSON.stringify(run),
        ]);
        rows.push(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as TrainingRunFigures);
      }
    }
    const endToEnd =
      options.endToEnd > 0 ? await measureEndToEnd(options, base, redis, endpoints.redisUrl, cleanup) : undefined;
    console.log(
      `\ntraining, ${options.epochs} epochs, batch ${options.batchSize}, hashing embedder (384), 20% validation, one process per row:\n`,
    );
    console.log(formatTrainingTable(rows));
    if (endToEnd !== undefined) {
      console.log(
        `\nend to end through the stage (Kafka, worker thread, Redis, model files): ${options.endToEnd} examples from a ` +
          `JSON Lines dataset, ${options.epochs} epochs, softmax head: ${endToEnd.seconds.toFixed(2)} s from request to ` +
          `SUCCESS (${endToEnd.epochs} epochs), validation accuracy ${endToEnd.validationAccuracy?.toFixed(3) ?? '-'}`,
      );
    }
    return 0;
  } finally {
    await cleanup.run((name, error) => console.error(`cleanup ${name}: ${(error as Error).message}`));
  }
}

async function measureEndToEnd(
  options: TrainingBenchOptions,
  base: string,
  redis: Redis,
  redisUrl: string,
  cleanup: Cleanup,
) {
  const workDir = await mkdtemp(join(tmpdir(), 'sedano-bench-training-'));
  cleanup.add('temp dir', () => rm(workDir, { recursive: true, force: true }));
  const dataset = generateLabelledCorpus(options.endToEnd, 2);
  await writeFile(join(workDir, 'corpus.jsonl'), dataset.map((example) => JSON.stringify(example)).join('\n'));
  // The stage's threads get their settings as its handlerData: the bench's dirs and namespace.
  const settings: TrainerThreadSettings = {
    documentRoots: [workDir],
    modelDir: join(workDir, 'models'),
    embedder: { kind: 'hashing', dimension: DEFAULT_HASHING_DIMENSION },
    redisUrl,
    namespace: base,
    limits: resolveTrainerOptions(),
  };
  console.log(`training ${options.endToEnd} examples through the stage …`);
  const stage = await startTrainingBenchStage(base, redis, settings, cleanup);
  return stage.run({ datasetUri: 'corpus.jsonl', epochs: options.epochs, batchSize: options.batchSize });
}
