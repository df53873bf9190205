/**
 * The Embedder port of the indexing stage: texts in, one vector per text out, all of the
 * embedder's fixed dimension.
 *
 * Vectors are Float32Arrays: that is the precision every backend produces and stores
 * (ONNX models, LanceDB's float32 columns, Qdrant), they are a quarter of the size of
 * number[] arrays, they cross worker threads by transfer, and the Redis cache stores their
 * bytes as they are. An adapter that needs number[] (Qdrant's REST client) converts at its edge.
 */
import { SedanoError } from '../../lib/errors.ts';

export interface Embedder {
  /**
   * What produces the vectors, stable across processes (`hashing-v1`, `http-<model>`, …): a
   * collection records it with the dimension, and the cache keys vectors by it. Never
   * contains `:`.
   */
  readonly name: string;
  /** Length of every vector. */
  readonly dimension: number;
  /** One vector per text, in the order of `texts`. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Scales `vector` in place to unit length (a zero vector stays zero) and returns it. */
export function normaliseL2(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  // An indexed loop: `for … of` made an iterator result per element until V8 optimised it
  // (about 3 KB of garbage per vector in an indexing thread's allocation profile).
  for (let i = 0; i < vector.length; i += 1) sumOfSquares += (vector[i] as number) * (vector[i] as number);
  if (sumOfSquares > 0) {
    const scale = 1 / Math.sqrt(sumOfSquares);
    for (let i = 0; i < vector.length; i += 1) vector[i] = (vector[i] as number) * scale;
  }
  return vector;
}

/** Cosine similarity of two vectors of the same length. */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * Checks that an embedder answered one vector of `dimension` per text; throws
 * SEDANO_ERR_EMBEDDER_BAD_RESPONSE naming what is wrong otherwise.
 */
export function checkVectors(
  name: string,
  dimension: number,
  texts: readonly string[],
  vectors: Float32Array[],
): Float32Array[] {
  if (vectors.length !== texts.length) {
    throw new SedanoError(
      'SEDANO_ERR_EMBEDDER_BAD_RESPONSE',
      `embedder ${name} returned ${vectors.length} vectors for ${texts.length} texts`,
    );
  }
  const wrong = vectors.findIndex((vector) => vector.length !== dimension);
  if (wrong >= 0) {
    throw new SedanoError(
      'SEDANO_ERR_EMBEDDER_BAD_RESPONSE',
      `embedder ${name} returned a vector of dimension ${vectors[wrong]?.length} for text ${wrong}, expected ${dimension}`,
    );
  }
  return vectors;
}

/** An embedder name made safe for cache keys: lowercase, `[a-z0-9._-]` only. */
export function embedderName(...parts: string[]): string {
  return parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '_');
}
