/**
 * One training job, start to end: check the request (model type and name, hyper-parameters),
 * gather the examples (inline and the dataset), check and split them, embed them, train the
 * network reporting each epoch, evaluate it on the validation split, and save a new version.
 * Bad input fails before any training with its own code (not retriable); a revoke or time
 * limit stops the run within one batch, and nothing is saved unless the run finished.
 * A job that already saved its version (a redelivery) returns that version without training.
 */
import type { LabelledExample } from '../../schemas/labelled-example.ts';
import type { ModelMetrics } from '../../schemas/model-metrics.ts';
import type { TrainModelRequest } from '../../schemas/train-model-request.ts';
import type { TrainingResult } from '../../schemas/training-result.ts';
import type { Embedder } from '../indexer/embedding-access.ts';
import { SedanoError } from '../lib/errors.ts';
import type { JobContext } from '../lib/runtime/stage.ts';
import type { ModelRegistry } from './model-registry/model-registry.ts';
import {
  checkModelName,
  datasetHash,
  modelId,
  type ModelVersionDraft,
  type ModelVersionRecord,
} from './model-registry/model-version.ts';
import type { ResolvedTrainerOptions } from './trainer-options.ts';
import { classificationReport, type ClassificationReport } from './training/classification-metrics.ts';
import { argMax, predictProbabilities, type ClassifierNetwork } from './training/classifier-network.ts';
import {
  checkExamples,
  classWeights,
  imbalanceWarning,
  splitLabelledSet,
  type LabelledSet,
  type SourcedExample,
} from './training/labelled-set.ts';
import { checkBounds, readDataset } from './training/read-dataset.ts';
import { createSeededRandom } from './training/seeded-random.ts';
import { trainNetwork, type EpochMetrics, type TrainedNetwork } from './training/train-network.ts';
import { resolveTrainingParameters, type TrainingParameters } from './training/training-parameters.ts';

/** The one model type the trainer builds. */
export const TEXT_CLASSIFIER = 'text-classifier';

export interface TrainModelDependencies {
  embedder: Embedder;
  registry: ModelRegistry;
  /** Absolute directories datasets are read from. */
  documentRoots: readonly string[];
  options: ResolvedTrainerOptions;
  /** Milliseconds now (tests pass a fixed clock). */
  clock?: () => number;
}

export type TrainModelContext = Pick<JobContext<TrainModelRequest>, 'jobId' | 'signal' | 'progress'> & {
  /** Told what the run noticed but did not refuse. */
  warn?: (message: string) => void;
};

/** Runs the job; resolves with the saved version, or throws (coded SedanoErrors for bad input). */
export async function trainModel(
  request: TrainModelRequest,
  dependencies: TrainModelDependencies,
  context: TrainModelContext,
): Promise<TrainingResult> {
  const { options, registry, embedder } = dependencies;
  const clock = dependencies.clock ?? Date.now;
  if (request.modelType !== TEXT_CLASSIFIER) {
    throw new SedanoError(
      'SEDANO_ERR_TRAINING_UNSUPPORTED_MODEL_TYPE',
      `modelType "${request.modelType}" is not supported; use "${TEXT_CLASSIFIER}"`,
      { retriable: false },
    );
  }
  checkModelName(request.modelName);
  const parameters = resolveTrainingParameters(request, options);
  const saved = await registry.findByJob(request.modelName, context.jobId);
  if (saved !== undefined) return trainingResult(saved);

  const examples = checkExamples(await gatherExamples(request, dependencies, context.signal));
  const random = createSeededRandom(parameters.seed);
  const set = splitLabelledSet(examples, parameters.validationSplit, options.minExamplesPerLabel, random);
  const warnings = [imbalanceWarning(set.labelCounts, options.imbalanceWarningRatio)].filter(
    (warning): warning is string => warning !== undefined,
  );
  for (const warning of warnings) context.warn?.(warning);

  const started = clock();
  context.progress(0, parameters.epochs, `embedding ${set.texts.length} examples with ${embedder.name}`);
  const vectors = await embedAll(embedder, set.texts, options.embedBatchSize, context.signal);
  const trained = await trainNetwork(
    {
      vectors,
      dimension: embedder.dimension,
      set,
      classWeights: classWeights(set, parameters.balanceClasses),
      parameters,
      random,
    },
    { signal: context.signal, onEpoch: (metrics) => reportEpoch(context, metrics) },
  );
  if (trained.stoppedEarly) {
    warnings.push(`stopped early after epoch ${trained.history.length}; kept epoch ${trained.keptEpoch}`);
  }
  // Nothing is saved for a run stopped after its last batch either.
  context.signal.throwIfAborted();
  const run: FinishedRun = { request, examples, set, vectors, parameters, trained, warnings };
  const record = await registry.save(versionDraft(run, embedder, context.jobId, clock() - started), context.jobId);
  return trainingResult(record);
}

/** What a finished run leaves for its version. */
interface FinishedRun {
  request: TrainModelRequest;
  examples: LabelledExample[];
  set: LabelledSet;
  vectors: Float32Array;
  parameters: TrainingParameters;
  trained: TrainedNetwork;
  warnings: string[];
}

/** The version to save for a finished run: its metrics are the kept epoch's. */
function versionDraft(run: FinishedRun, embedder: Embedder, jobId: string, trainingTimeMs: number): ModelVersionDraft {
  const { request, examples, set, trained } = run;
  const kept = trained.history[trained.keptEpoch - 1] as EpochMetrics;
  const metrics: ModelMetrics = {
    accuracy: kept.accuracy,
    loss: kept.loss,
    validationAccuracy: kept.validationAccuracy,
    validationLoss: kept.validationLoss,
    epochs: trained.history.length,
  };
  return {
    modelName: request.modelName,
    modelType: request.modelType,
    labels: set.labels,
    embedder: { name: embedder.name, dimension: embedder.dimension },
    hyperParameters: run.parameters,
    metrics,
    evaluation: evaluate(trained.network, set, run.vectors, embedder.dimension),
    dataset: {
      sha256: datasetHash(examples),
      examples: examples.length,
      trainingExamples: set.training.length,
      validationExamples: set.validation.length,
      labelCounts: set.labelCounts,
      datasetUri: request.datasetUri,
    },
    trainingJobId: jobId,
    trainingTimeMs,
    warnings: run.warnings,
    network: trained.network,
  };
}

/** The job's result for a saved version. */
export function trainingResult(record: ModelVersionRecord): TrainingResult {
  return {
    modelId: modelId(record.modelName, record.version),
    modelName: record.modelName,
    version: record.version,
    modelType: record.modelType,
    metrics: record.metrics,
    artifactUri: record.artifactUri,
    examples: record.dataset.examples,
    trainingTimeMs: record.trainingTimeMs,
    warnings: record.warnings,
  };
}

async function gatherExamples(
  request: TrainModelRequest,
  dependencies: TrainModelDependencies,
  signal: AbortSignal,
): Promise<SourcedExample[]> {
  const limits = dependencies.options;
  const inline = request.examples.map((example, index) => {
    const source = `examples[${index}]`;
    checkBounds(source, example.text, index + 1, limits);
    return { ...example, source };
  });
  if (request.datasetUri === null) return inline;
  const fromDataset = await readDataset(request.datasetUri, {
    roots: dependencies.documentRoots,
    limits,
    alreadyCounted: inline.length,
    signal,
  });
  return [...inline, ...fromDataset];
}

async function embedAll(
  embedder: Embedder,
  texts: readonly string[],
  batchSize: number,
  signal: AbortSignal,
): Promise<Float32Array> {
  const matrix = new Float32Array(texts.length * embedder.dimension);
  for (let start = 0; start < texts.length; start += batchSize) {
    signal.throwIfAborted();
    const vectors = await embedder.embed(texts.slice(start, start + batchSize), signal);
    vectors.forEach((vector, offset) => matrix.set(vector, (start + offset) * embedder.dimension));
  }
  return matrix;
}

function reportEpoch(context: TrainModelContext, metrics: EpochMetrics): void {
  const validation =
    metrics.validationLoss === null
      ? ''
      : `, validation loss ${metrics.validationLoss.toFixed(4)} accuracy ${(metrics.validationAccuracy ?? 0).toFixed(3)}`;
  context.progress(
    metrics.epoch,
    metrics.epochs,
    `epoch ${metrics.epoch}/${metrics.epochs}: loss ${metrics.loss.toFixed(4)} accuracy ${metrics.accuracy.toFixed(3)}${validation}`,
    { 'sedano.TrainingProgress': metrics },
  );
}

function evaluate(
  network: ClassifierNetwork,
  set: LabelledSet,
  vectors: Float32Array,
  dimension: number,
): ClassificationReport | null {
  if (set.validation.length === 0) return null;
  const inputs = set.validation.map((index) => vectors.subarray(index * dimension, (index + 1) * dimension));
  const predicted = predictProbabilities(network, inputs).map((row) => argMax(row));
  return classificationReport(
    set.labels,
    set.validation.map((index) => set.targets[index] as number),
    predicted,
  );
}
