/**
 * A caching Embedder: vectors of texts already embedded come from Redis, only the misses are
 * computed (in one call to the inner embedder), then stored with an expiry.
 *
 * Key: `keys.embedding(<embedder name>, <dimension>, <sha256 of the text>)`, value: the vector's
 * Float32 bytes (little-endian, as the platform writes them; every supported platform is
 * little-endian). The maintenance cache cleanup finds them by `keys.embeddingPattern`. Redis
 * failures are not hidden: they reject `embed` like any other infrastructure outage.
 */
import type { Redis } from 'ioredis';
import { contentHash } from '../chunking/content-hash.ts';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import { checkVectors, type Embedder } from './embedder.ts';

/** Default lifetime of a cached vector: 7 days, in seconds. */
export const DEFAULT_EMBEDDING_CACHE_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface EmbeddingCacheOptions {
  /** The namespace's keys (`keys.embedding`). */
  keys: Pick<RedisKeys, 'embedding'>;
  /** Seconds a cached vector lives (refreshed each time it is written). Default 7 days. */
  ttlSeconds?: number;
}

/** Statistics of a caching embedder since it was created. */
export interface EmbeddingCacheStats {
  /** Texts whose vector came from Redis. */
  hits: number;
  /** Distinct texts the inner embedder computed. */
  misses: number;
}

export interface CachingEmbedder extends Embedder {
  readonly stats: Readonly<EmbeddingCacheStats>;
  /** The Redis key of `text`'s vector. */
  keyOf(text: string): string;
}

/**
 * Where the cached vectors live: Redis (`redisEmbeddingCacheStore`), or, in an indexing worker
 * thread, the main thread's Redis connection reached through the stage's thread services.
 */
export interface EmbeddingCacheStore {
  /** The stored bytes of each key, null where there are none. */
  get(keys: readonly string[]): Promise<(Uint8Array | null)[]>;
  /** Stores each entry's bytes with an expiry; rejects when any write failed. */
  set(entries: readonly (readonly [string, Uint8Array])[], ttlSeconds: number): Promise<void>;
}

/** The cache store on a Redis connection: one MGET per lookup, one pipeline of SET … EX per write. */
export function redisEmbeddingCacheStore(redis: Redis): EmbeddingCacheStore {
  return {
    get: (keys) => redis.mgetBuffer(...keys),
    async set(entries, ttlSeconds) {
      const write = redis.pipeline();
      for (const [key, bytes] of entries)
        write.set(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', ttlSeconds);
      const results = await write.exec();
      const failure = results?.find(([error]) => error !== null)?.[0];
      if (failure) throw failure;
    },
  };
}

/** Wraps `inner` so that identical texts are embedded once per TTL, across processes. */
export function withEmbeddingCache(inner: Embedder, redis: Redis, options: EmbeddingCacheOptions): CachingEmbedder {
  return withEmbeddingCacheStore(inner, redisEmbeddingCacheStore(redis), options);
}

/** withEmbeddingCache on any cache store. */
export function withEmbeddingCacheStore(
  inner: Embedder,
  store: EmbeddingCacheStore,
  options: EmbeddingCacheOptions,
): CachingEmbedder {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_EMBEDDING_CACHE_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  const stats: EmbeddingCacheStats = { hits: 0, misses: 0 };
  const keyOf = (text: string): string => options.keys.embedding(inner.name, inner.dimension, contentHash(text));
  const vectorBytes = inner.dimension * Float32Array.BYTES_PER_ELEMENT;

  const embed = async (texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> => {
    if (texts.length === 0) return [];
    const keys = texts.map(keyOf);
    const cached = await store.get(keys);
    const vectors: (Float32Array | undefined)[] = cached.map((bytes) =>
      bytes !== null && bytes.byteLength === vectorBytes ? fromBytes(bytes) : undefined,
    );
    // Identical texts in one batch are computed once.
    const missing = new Map<string, string>();
    vectors.forEach((vector, position) => {
      if (vector === undefined) missing.set(keys[position] as string, texts[position] as string);
    });
    stats.misses += missing.size;
    stats.hits += texts.length - vectors.filter((vector) => vector === undefined).length;
    if (missing.size > 0) {
      const missingTexts = [...missing.values()];
      const computed = checkVectors(inner.name, inner.dimension, missingTexts, await inner.embed(missingTexts, signal));
      const byKey = new Map([...missing.keys()].map((key, position) => [key, computed[position] as Float32Array]));
      await store.set(
        [...byKey].map(([key, vector]) => [key, toBytes(vector)] as const),
        ttlSeconds,
      );
      keys.forEach((key, position) => {
        vectors[position] ??= byKey.get(key);
      });
    }
    return vectors as Float32Array[];
  };

  return { name: inner.name, dimension: inner.dimension, embed, stats, keyOf };
}

function toBytes(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Copies the bytes so the Float32Array is aligned and does not share Redis's buffer. */
function fromBytes(bytes: Uint8Array): Float32Array {
  return new Float32Array(Uint8Array.from(bytes).buffer);
}
