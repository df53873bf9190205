/**
 * Model versions as the trainer saves them, for the tests of the model registry, its archive
 * and the backups that carry it: a two-label classifier of one dense layer.
 */
import type { ClassifierNetwork } from '../../../../services/trainer/training/classifier-network.ts';
import type {
  ModelVersionDraft,
  ModelVersionRecord,
} from '../../../../services/trainer/model-registry/model-version.ts';

/** What a version's record says about its training, the same for every fixture. */
function trainingFacts(examples: number) {
  return {
    modelType: 'text-classifier',
    labels: ['a', 'b'],
    hyperParameters: {
      epochs: 1,
      validationSplit: 0,
      learningRate: 0.01,
      batchSize: 32,
      l2Regularization: 0,
      hiddenUnits: 0,
      earlyStoppingPatience: null,
      balanceClasses: true,
      seed: 1,
    },
    metrics: { accuracy: 1, loss: 0.1, validationAccuracy: null, validationLoss: null, epochs: 1 },
    evaluation: null,
    dataset: {
      sha256: '0'.repeat(64),
      examples,
      trainingExamples: examples,
      validationExamples: 0,
      labelCounts: { a: examples / 2, b: examples / 2 },
      datasetUri: null,
    },
    trainingTimeMs: 1,
    warnings: [],
  };
}

/** A version ready to save: `network` decides its embedder's dimension (its first layer's inputs). */
export function modelVersionDraft(
  modelName: string,
  network: ClassifierNetwork,
  trainingJobId: string = crypto.randomUUID(),
): ModelVersionDraft {
  const dimension = network.layers[0]?.inputs ?? 0;
  return {
    ...trainingFacts(4),
    modelName,
    embedder: { name: 'test', dimension },
    trainingJobId,
    network,
  };
}

/** A version's record as the index keeps it (no files behind it). */
export function modelVersionRecord(modelName: string, version: number, trainingJobId: string): ModelVersionRecord {
  return {
    ...trainingFacts(10),
    modelName,
    version,
    embedder: { name: 'hashing-v1', dimension: 384 },
    trainingJobId,
    createdAt: new Date(0).toISOString(),
    artifactUri: 'file:///nowhere',
    layers: [{ inputs: 384, units: 2 }],
    weightsSha256: '0'.repeat(64),
  };
}
