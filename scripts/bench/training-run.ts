/**
 * One configuration of the training benchmark, in a process of its own so its peak RSS is its
 * own: generates the corpus, runs trainModel (hashing embedder, model files in a temp dir,
 * the Redis index under the given prefix) and prints one JSON line of figures.
 *
 * argv[2]: JSON of TrainingRunOptions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Embedder } from '../../services/indexer/embedding/embedder.ts';
import { createHashingEmbedder } from '../../services/indexer/embedding/hashing.ts';
import { createLocalModelStore } from '../../services/trainer/model-registry/local-model-store.ts';
import { createModelRegistry } from '../../services/trainer/model-registry/model-registry.ts';
import { createRedisModelIndex } from '../../services/trainer/model-registry/redis-model-index.ts';
import { trainModel } from '../../services/trainer/train-model.ts';
import { resolveTrainerOptions } from '../../services/trainer/trainer-options.ts';
import { redisKeys } from '../../topology/redis-keys.ts';
import { generateLabelledCorpus } from './training-corpus.ts';

export interface TrainingRunOptions {
  examples: number;
  epochs: number;
  hiddenUnits: number;
  batchSize: number;
  redisUrl: string;
  /** The namespace whose `models` keys hold the registry's index. */
  namespace: string;
}

export interface TrainingRunFigures {
  examples: number;
  hiddenUnits: number;
  epochs: number;
  embedSeconds: number;
  trainSeconds: number;
  /** Training examples × epochs per second of training (embedding excluded). */
  examplesPerSecond: number;
  /** CPU time of the process over the run (user + system), every thread included: steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssBytes: number;
  validationAccuracy: number | null;
}

const options = JSON.parse(process.argv[2] ?? '{}') as TrainingRunOptions;
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
const modelDir = await mkdtemp(join(tmpdir(), 'sedano-bench-models-'));
const redis = new Redis(options.redisUrl);
try {
  const hashing = createHashingEmbedder();
  let embedMs = 0;
  const embedder: Embedder = {
    name: hashing.name,
    dimension: hashing.dimension,
    async embed(texts, signal) {
      const started = performance.now();
      const vectors = await hashing.embed(texts, signal);
      embedMs += performance.now() - started;
      return vectors;
    },
  };
  const examples = generateLabelledCorpus(options.examples);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await trainModel(
    {
      header: {
        jobId: crypto.randomUUID(),
        jobType: 'TRAIN_MODEL',
        priority: 'NORMAL',
        batchId: null,
        parentJobId: null,
        idempotencyKey: null,
        submittedAt: Date.now(),
        submitter: 'sedano-bench',
        retryPolicy: null,
        softTimeLimitMs: null,
        hardTimeLimitMs: null,
        expiresAt: null,
      },
      modelType: 'text-classifier',
      modelName: `bench-${options.examples}-${options.hiddenUnits}`,
      examples,
      datasetUri: null,
      epochs: options.epochs,
      validationSplit: 0.2,
      hyperParameters: {
        learningRate: 0.01,
        batchSize: options.batchSize,
        l2Regularization: 0,
        seed: 1,
        hiddenUnits: options.hiddenUnits,
        earlyStoppingPatience: null,
        balanceClasses: true,
      },
    },
    {
      embedder,
      registry: createModelRegistry(
        createLocalModelStore(modelDir),
        createRedisModelIndex(redis, redisKeys(options.namespace).models),
      ),
      documentRoots: [modelDir],
      options: resolveTrainerOptions(),
    },
    { jobId: crypto.randomUUID(), signal: new AbortController().signal, progress: () => {} },
  );
  const totalSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const trainSeconds = totalSeconds - embedMs / 1000;
  const trainingExamples = Math.round(options.examples * 0.8);
  const figures: TrainingRunFigures = {
    examples: options.examples,
    hiddenUnits: options.hiddenUnits,
    epochs: result.metrics.epochs,
    embedSeconds: embedMs / 1000,
    trainSeconds,
    examplesPerSecond: (trainingExamples * result.metrics.epochs) / trainSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssBytes: Math.max(peakRss, process.memoryUsage.rss()),
    validationAccuracy: result.metrics.validationAccuracy,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  clearInterval(sampler);
  redis.disconnect();
  await rm(modelDir, { recursive: true, force: true });
}
