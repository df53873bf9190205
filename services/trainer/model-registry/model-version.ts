/**
 * What the model registry keeps of each trained version (pure): its record (labels, embedder,
 * hyper-parameters, metrics, evaluation, dataset, job, time) and its weights as bytes.
 */
import { createHash } from 'node:crypto';
import type { ModelMetrics } from '../../../schemas/model-metrics.ts';
import { SedanoError } from '../../lib/errors.ts';
import type { ClassificationReport } from '../training/classification-metrics.ts';
import type { ClassifierNetwork, DenseLayer } from '../training/classifier-network.ts';
import type { TrainingParameters } from '../training/training-parameters.ts';

/** The embedder whose vectors a model was trained on; a model only classifies that embedder's vectors. */
export interface ModelEmbedder {
  name: string;
  dimension: number;
}

/** The data a version was trained on. */
export interface ModelDataset {
  /** SHA-256 of the examples (text and label, in order), hex. */
  sha256: string;
  examples: number;
  trainingExamples: number;
  validationExamples: number;
  labelCounts: Record<string, number>;
  datasetUri: string | null;
}

/** One saved version of a model, as the index and the API show it. */
export interface ModelVersionRecord {
  modelName: string;
  /** From 1, one more per run. */
  version: number;
  modelType: string;
  /** Output labels in the order of the network's units. */
  labels: string[];
  embedder: ModelEmbedder;
  hyperParameters: TrainingParameters;
  /** Training (and validation) loss and accuracy of the kept epoch. */
  metrics: ModelMetrics;
  /** Per-label precision, recall, F1 and the confusion matrix on the validation set; null without one. */
  evaluation: ClassificationReport | null;
  dataset: ModelDataset;
  trainingJobId: string;
  /** ISO 8601 time the version was saved. */
  createdAt: string;
  trainingTimeMs: number;
  /** Where the version's files are. */
  artifactUri: string;
  warnings: string[];
  /** Layer shapes of the network, input first. */
  layers: { inputs: number; units: number }[];
  /** SHA-256 (hex) of `weights.bin`, checked when the weights are read. */
  weightsSha256: string;
}

/** A version about to be saved: everything but what the registry assigns. */
export type ModelVersionDraft = Omit<
  ModelVersionRecord,
  'version' | 'createdAt' | 'artifactUri' | 'layers' | 'weightsSha256'
> & {
  network: ClassifierNetwork;
};

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Refuses a name that is not safe as a directory and key segment, with SEDANO_ERR_TRAINING_INVALID_MODEL_NAME. */
export function checkModelName(name: string): string {
  if (!MODEL_NAME.test(name)) {
    throw new SedanoError(
      'SEDANO_ERR_TRAINING_INVALID_MODEL_NAME',
      `modelName "${name}" must be 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      { retriable: false },
    );
  }
  return name;
}

/** A model id as analysis names it: `name` (the latest version) or `name@version`. */
export interface ModelReference {
  modelName: string;
  /** Undefined for the latest version. */
  version: number | undefined;
}

/** Parses `name` or `name@version`; a malformed id is a model that cannot be found. */
export function parseModelId(modelId: string): ModelReference {
  const at = modelId.lastIndexOf('@');
  const modelName = at < 0 ? modelId : modelId.slice(0, at);
  const versionText = at < 0 ? undefined : modelId.slice(at + 1);
  if (!MODEL_NAME.test(modelName) || (versionText !== undefined && !/^[1-9]\d{0,8}$/.test(versionText))) {
    throw new SedanoError('SEDANO_ERR_MODEL_NOT_FOUND', `model id "${modelId}" is not "name" or "name@version"`);
  }
  return { modelName, version: versionText === undefined ? undefined : Number(versionText) };
}

/** The id of a version, usable as analysis's modelId. */
export function modelId(modelName: string, version: number): string {
  return `${modelName}@${version}`;
}

/** The network's weights as bytes: each layer's weights then bias, float32 little-endian. */
export function encodeWeights(network: ClassifierNetwork): Uint8Array {
  const floats = network.layers.reduce((sum, layer) => sum + layer.weights.length + layer.bias.length, 0);
  const view = new DataView(new ArrayBuffer(floats * 4));
  let offset = 0;
  for (const layer of network.layers) {
    for (const values of [layer.weights, layer.bias]) {
      for (const value of values) {
        view.setFloat32(offset, value, true);
        offset += 4;
      }
    }
  }
  return new Uint8Array(view.buffer);
}

/** The network of `shapes` from the bytes encodeWeights wrote; throws SEDANO_ERR_MODEL_CORRUPT on a size mismatch. */
export function decodeWeights(
  bytes: Uint8Array,
  shapes: readonly { inputs: number; units: number }[],
): ClassifierNetwork {
  const expected = shapes.reduce((sum, shape) => sum + (shape.inputs + 1) * shape.units, 0) * 4;
  if (bytes.byteLength !== expected) {
    throw new SedanoError(
      'SEDANO_ERR_MODEL_CORRUPT',
      `the weights file has ${bytes.byteLength} bytes, expected ${expected}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const read = (count: number): Float32Array => {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i += 1, offset += 4) values[i] = view.getFloat32(offset, true);
    return values;
  };
  const layers: DenseLayer[] = shapes.map((shape) => ({
    inputs: shape.inputs,
    units: shape.units,
    weights: read(shape.inputs * shape.units),
    bias: read(shape.units),
  }));
  return { layers };
}

/** SHA-256 (hex) of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 (hex) of examples in order, text and label each ended by a separator no text holds unescaped. */
export function datasetHash(examples: readonly { text: string; label: string }[]): string {
  const hash = createHash('sha256');
  for (const example of examples) hash.update(`${JSON.stringify(example.text)}\t${JSON.stringify(example.label)}\n`);
  return hash.digest('hex');
}
