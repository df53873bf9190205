/**
 * Using a trained model: `loadClassifier("name")` or `loadClassifier("name@version")` gives a
 * TextClassifier that embeds texts with the worker's embedder and returns each text's label
 * and per-label probabilities. The forward pass is plain TypeScript (no numeric library).
 *
 * Loaded classifiers are cached per registry (one per worker thread): a pinned version is
 * loaded once; "name" asks the index for the latest version on every load (one Redis read)
 * and loads the new version when there is one. A model trained on another embedder's vectors
 * is refused with SEDANO_ERR_MODEL_EMBEDDER_MISMATCH; an unknown one with SEDANO_ERR_MODEL_NOT_FOUND.
 */
import type { Embedder } from '../indexer/embedding-access.ts';
import { SedanoError } from '../lib/errors.ts';
import type { ModelRegistryReader } from './model-registry/model-registry.ts';
import { parseModelId } from './model-registry/model-version.ts';
import { argMax, predictProbabilities } from './training/classifier-network.ts';

/** One text's classification. */
export interface Classification {
  /** The most probable label. */
  label: string;
  /** Every label's probability; they sum to 1. */
  probabilities: Record<string, number>;
}

/** A loaded model version. */
export interface TextClassifier {
  modelName: string;
  version: number;
  labels: string[];
  classify(texts: string[]): Promise<Classification[]>;
}

export interface ClassifierDependencies {
  registry: ModelRegistryReader;
  /** The worker's embedder: must be the one the model was trained on. */
  embedder: Embedder;
}

const caches = new WeakMap<ModelRegistryReader, Map<string, Promise<TextClassifier>>>();

/** The classifier of `modelId` (`name` for the latest version, or `name@version`). */
export async function loadClassifier(modelId: string, dependencies: ClassifierDependencies): Promise<TextClassifier> {
  const { modelName, version: pinned } = parseModelId(modelId);
  const version = pinned ?? (await dependencies.registry.latestVersion(modelName));
  if (version === undefined) {
    throw new SedanoError('SEDANO_ERR_MODEL_NOT_FOUND', `no model named "${modelName}" is in the model registry`);
  }
  let cache = caches.get(dependencies.registry);
  if (cache === undefined) {
    cache = new Map();
    caches.set(dependencies.registry, cache);
  }
  const key = `${modelName}@${version}|${dependencies.embedder.name}/${dependencies.embedder.dimension}`;
  let loading = cache.get(key);
  if (loading === undefined) {
    loading = load(modelName, version, dependencies);
    cache.set(key, loading);
    // A failed load (an outage, a missing version) is not remembered.
    loading.catch(() => cache.delete(key));
    // Older versions of a name stay cached only while pinned ids use them; "name" moves on.
    if (pinned === undefined) evictOlder(cache, modelName, version);
  }
  return loading;
}

async function load(
  modelName: string,
  version: number,
  { registry, embedder }: ClassifierDependencies,
): Promise<TextClassifier> {
  const record = await registry.get(modelName, version);
  if (record === undefined) {
    throw new SedanoError('SEDANO_ERR_MODEL_NOT_FOUND', `model "${modelName}" has no version ${version}`);
  }
  if (record.embedder.name !== embedder.name || record.embedder.dimension !== embedder.dimension) {
    throw new SedanoError(
      'SEDANO_ERR_MODEL_EMBEDDER_MISMATCH',
      `model ${modelName}@${version} was trained on embedder ${record.embedder.name} (dimension ` +
        `${record.embedder.dimension}); this worker embeds with ${embedder.name} (dimension ${embedder.dimension})`,
    );
  }
  const network = await registry.readNetwork(record);
  const labels = [...record.labels];
  return {
    modelName,
    version,
    labels,
    async classify(texts) {
      if (texts.length === 0) return [];
      const probabilities = predictProbabilities(network, await embedder.embed(texts));
      return probabilities.map((row) => ({
        label: labels[argMax(row)] as string,
        probabilities: Object.fromEntries(labels.map((label, index) => [label, row[index] as number])),
      }));
    },
  };
}

function evictOlder(cache: Map<string, Promise<TextClassifier>>, modelName: string, version: number): void {
  for (const key of cache.keys()) {
    const [id] = key.split('|');
    const at = id?.lastIndexOf('@') ?? -1;
    if (id?.slice(0, at) === modelName && Number(id.slice(at + 1)) < version) cache.delete(key);
  }
}
