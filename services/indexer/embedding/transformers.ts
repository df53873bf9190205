/**
 * Embedder running a sentence-embedding model with @huggingface/transformers (ONNX), from a
 * local directory the user configures: feature extraction, mean pooling, L2-normalised.
 *
 * Nothing is downloaded at run time unless `allowDownload` is set: the library's
 * `env.allowRemoteModels` is set to false and files are loaded with `local_files_only`.
 * `env` is the library's module-wide setting, which is per thread: each worker thread that
 * creates an embedder sets it for itself.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { SedanoError } from '../../lib/errors.ts';
import { checkVectors, embedderName, type Embedder } from './embedder.ts';

export interface TransformersEmbedderOptions {
  /**
   * Absolute path of the model directory: a transformers.js export (config.json,
   * tokenizer.json, onnx/model*.onnx). With `allowDownload`, where `modelId` is downloaded to.
   */
  modelDir: string;
  /** Hugging Face model id to download when `allowDownload` is set (e.g. `Xenova/all-MiniLM-L6-v2`). */
  modelId?: string;
  /** Allow fetching `modelId` from the Hugging Face hub into `modelDir`. Default false. */
  allowDownload?: boolean;
  /** Expected dimension; the model's own is used when absent, and a mismatch is refused. */
  dimension?: number;
  /** Texts embedded per model call. Default 32. */
  batchSize?: number;
}

/** The part of a transformers.js feature-extraction pipeline this module uses. */
type FeatureExtractor = (
  texts: string[],
  options: { pooling: 'mean'; normalize: boolean },
) => Promise<{ data: ArrayLike<number>; dims: number[] }>;

/**
 * Loads the model and returns an embedder for it. Throws SEDANO_ERR_EMBEDDER_MODEL_MISSING
 * when the directory holds no usable model (and downloads are not allowed) or it fails to load.
 */
export async function createTransformersEmbedder(options: TransformersEmbedderOptions): Promise<Embedder> {
  if (!isAbsolute(options.modelDir))
    throw new RangeError(`modelDir must be an absolute path, got "${options.modelDir}"`);
  const allowDownload = options.allowDownload === true;
  if (allowDownload && options.modelId === undefined) throw new RangeError('allowDownload needs a modelId to download');
  if (!allowDownload) await assertLocalModel(options.modelDir);

  const transformers = await import('@huggingface/transformers');
  transformers.env.allowRemoteModels = allowDownload;
  transformers.env.allowLocalModels = true;
  let extractor: FeatureExtractor;
  try {
    // An absolute path is read as a directory, never as a hub id; a hub id is cached in modelDir.
    const model = allowDownload ? (options.modelId as string) : options.modelDir;
    const loaded = await transformers.pipeline('feature-extraction', model, {
      local_files_only: !allowDownload,
      ...(allowDownload ? { cache_dir: options.modelDir } : {}),
    });
    extractor = loaded as unknown as FeatureExtractor;
  } catch (error) {
    throw missing(`the model in ${options.modelDir} could not be loaded: ${(error as Error).message}`, error);
  }

  const name = embedderName('transformers', options.modelId ?? basename(options.modelDir));
  const batchSize = options.batchSize ?? 32;
  const run = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const output = await extractor(texts.slice(start, start + batchSize), { pooling: 'mean', normalize: true });
      const width = output.dims.at(-1) ?? 0;
      for (let row = 0; row * width < output.data.length; row += 1) {
        vectors.push(
          Float32Array.from(Array.prototype.slice.call(output.data, row * width, (row + 1) * width) as number[]),
        );
      }
    }
    return vectors;
  };
  const [probe] = await run(['dimension probe']);
  const dimension = probe?.length ?? 0;
  if (options.dimension !== undefined && options.dimension !== dimension) {
    throw new SedanoError(
      'SEDANO_ERR_EMBEDDER_BAD_RESPONSE',
      `the model in ${options.modelDir} produces vectors of dimension ${dimension}, not the configured ${options.dimension}`,
    );
  }
  return {
    name,
    dimension,
    embed: async (texts) => checkVectors(name, dimension, texts, texts.length === 0 ? [] : await run(texts)),
  };
}

/** Refuses, before the library is even loaded, a directory that cannot hold a model. */
async function assertLocalModel(modelDir: string): Promise<void> {
  const expected = 'a transformers.js model export (config.json, tokenizer.json, onnx/model.onnx)';
  const info = await stat(modelDir).catch(() => undefined);
  if (!info?.isDirectory()) throw missing(`the model directory ${modelDir} does not exist; it should hold ${expected}`);
  const files = await listFiles(modelDir);
  const lacking = ['config.json', 'tokenizer.json'].filter((file) => !files.includes(file));
  if (!files.some((file) => file.endsWith('.onnx'))) lacking.push('onnx/*.onnx');
  if (lacking.length > 0) {
    throw missing(
      `no model in ${modelDir}: ${lacking.join(', ')} missing; it should hold ${expected}, and downloads are not allowed`,
    );
  }
}

async function listFiles(directory: string): Promise<string[]> {
  const top = await readdir(directory);
  const onnx = top.includes('onnx')
    ? (await readdir(join(directory, 'onnx')).catch(() => [])).map((file) => `onnx/${file}`)
    : [];
  return [...top, ...onnx];
}

function missing(message: string, cause?: unknown): SedanoError {
  return new SedanoError('SEDANO_ERR_EMBEDDER_MODEL_MISSING', message, { retriable: false, cause });
}
