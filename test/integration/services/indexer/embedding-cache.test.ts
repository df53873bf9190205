// The caching embedder against the real Redis: hits, misses, TTL and the stored bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHashingEmbedder } from '../../../../services/indexer/embedding/hashing.ts';
import type { Embedder } from '../../../../services/indexer/embedding/embedder.ts';
import { withEmbeddingCache } from '../../../../services/indexer/embedding/cache.ts';
import { contentHash } from '../../../../services/indexer/chunking/content-hash.ts';
import { redisClient } from '../../../support/resources.ts';

/** The hashing embedder, recording which texts it was asked to compute. */
function countingEmbedder(): Embedder & { computed: string[] } {
  const inner = createHashingEmbedder({ dimension: 64 });
  const computed: string[] = [];
  return {
    name: inner.name,
    dimension: inner.dimension,
    computed,
    embed: async (texts) => {
      computed.push(...texts);
      return inner.embed(texts);
    },
  };
}

test('only misses are computed; hits come back from Redis identical; identical texts in a batch are computed once', async (t) => {
  const { redis, keys } = redisClient(t);
  const inner = countingEmbedder();
  const cached = withEmbeddingCache(inner, redis, { keys });

  const first = await cached.embed(['alpha', 'beta', 'alpha']);
  assert.deepEqual(inner.computed, ['alpha', 'beta']);
  assert.deepEqual(first[0], first[2]);

  const second = await cached.embed(['beta', 'gamma', 'alpha']);
  assert.deepEqual(inner.computed, ['alpha', 'beta', 'gamma'], 'only gamma was computed the second time');
  assert.deepEqual(second[0], first[1]);
  assert.deepEqual(second[2], first[0]);
  assert.deepEqual(second, await createHashingEmbedder({ dimension: 64 }).embed(['beta', 'gamma', 'alpha']));
  assert.deepEqual(cached.stats, { hits: 2, misses: 3 }, 'hits: texts found in Redis; misses: distinct texts computed');
});

test('keys are <namespace>:embeddings:<name>:<dimension>:<sha256>, hold Float32 bytes and expire', async (t) => {
  const { redis, prefix, keys } = redisClient(t);
  const cached = withEmbeddingCache(countingEmbedder(), redis, { keys, ttlSeconds: 3600 });
  const [vector] = await cached.embed(['Il gatto dorme.']);
  const key = `${prefix}embeddings:hashing-v1:64:${contentHash('Il gatto dorme.')}`;
  assert.equal(cached.keyOf('Il gatto dorme.'), key);
  const stored = await redis.getBuffer(key);
  assert.ok(stored !== null);
  assert.equal(stored.byteLength, 64 * 4);
  assert.deepEqual(new Float32Array(Uint8Array.from(stored).buffer), vector);
  const ttl = await redis.ttl(key);
  assert.ok(ttl > 3500 && ttl <= 3600, `ttl ${ttl}`);
});

test('the default TTL is 7 days; a stored value of the wrong size is recomputed', async (t) => {
  const { redis, keys } = redisClient(t);
  const inner = countingEmbedder();
  const cached = withEmbeddingCache(inner, redis, { keys });
  await redis.set(cached.keyOf('truncated'), Buffer.alloc(10));
  const [vector] = await cached.embed(['truncated']);
  assert.deepEqual(inner.computed, ['truncated']);
  assert.equal(vector?.length, 64);
  const ttl = await redis.ttl(cached.keyOf('truncated'));
  assert.ok(ttl > 7 * 24 * 3600 - 100 && ttl <= 7 * 24 * 3600, `ttl ${ttl}`);
});

test('embedders of another name or dimension never share vectors', async (t) => {
  const { redis, keys } = redisClient(t);
  const small = withEmbeddingCache(countingEmbedder(), redis, { keys });
  const large = withEmbeddingCache(createHashingEmbedder({ dimension: 128 }), redis, { keys });
  await small.embed(['shared text']);
  const [vector] = await large.embed(['shared text']);
  assert.equal(vector?.length, 128);
  assert.notEqual(small.keyOf('shared text'), large.keyOf('shared text'));
});
