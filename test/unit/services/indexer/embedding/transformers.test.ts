// No downloaded model exists on this machine and none may be fetched in tests: the refusals are
// checked with missing and broken directories, and the real inference path (tokenizer, ONNX
// Runtime, mean pooling, normalisation) with a tiny model generated on the spot
// (fixtures/tiny-embedding-model.ts), whose vectors can be computed here independently.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { isSedanoError } from '../../../../../services/lib/errors.ts';
import { createEmbedder, resolveEmbedderConfig } from '../../../../../services/indexer/embedding/create.ts';
import { createTransformersEmbedder } from '../../../../../services/indexer/embedding/transformers.ts';
import {
  TINY_MODEL_DIMENSION,
  TINY_MODEL_VOCAB,
  tinyEmbeddingTable,
  writeTinyEmbeddingModel,
} from './fixtures/tiny-embedding-model.ts';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-model-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Records any network request the library would make, refusing it; a real one must never
 * happen in these tests. The library keeps its own `env.fetch` (bound to the global fetch
 * when first imported), so both are replaced until the test ends.
 */
async function recordNetworkRequests(t: { after: (fn: () => void) => void }): Promise<string[]> {
  const { env } = await import('@huggingface/transformers');
  const requested: string[] = [];
  const realFetch = globalThis.fetch;
  const libraryFetch = env.fetch;
  const refuse = async (input: Parameters<typeof fetch>[0]): Promise<Response> => {
    requested.push(input instanceof Request ? input.url : String(input));
    throw new Error('network access is not allowed in this test');
  };
  globalThis.fetch = refuse;
  env.fetch = refuse;
  t.after(() => {
    globalThis.fetch = realFetch;
    env.fetch = libraryFetch;
  });
  return requested;
}

/** A freshly generated tiny model in a temporary directory, removed after the test. */
async function tinyModel(t: { after: (fn: () => void) => void }): Promise<string> {
  const dir = join(tempDir(t), 'tiny-embedding-model');
  await writeTinyEmbeddingModel(dir);
  return dir;
}

/**
 * What the tiny model must produce for `tokens` (its WordPiece tokens, without [CLS]/[SEP]),
 * computed without the library: the mean of the tokens' rows of the embedding table,
 * [CLS] and [SEP] included, scaled to unit length.
 */
function expectedVector(tokens: string[]): Float32Array {
  const table = tinyEmbeddingTable();
  const mean = new Float64Array(TINY_MODEL_DIMENSION);
  const all = ['[CLS]', ...tokens, '[SEP]'];
  for (const token of all) {
    const id = TINY_MODEL_VOCAB[token];
    assert.ok(id !== undefined, `"${token}" is in the tiny vocabulary`);
    for (let column = 0; column < TINY_MODEL_DIMENSION; column += 1) {
      mean[column] = (mean[column] as number) + (table[id * TINY_MODEL_DIMENSION + column] as number) / all.length;
    }
  }
  const length = Math.hypot(...mean);
  return Float32Array.from(mean, (value) => value / length);
}

function assertClose(actual: Float32Array | undefined, expected: Float32Array, message: string): void {
  assert.ok(actual instanceof Float32Array, `${message}: a Float32Array`);
  assert.equal(actual.length, expected.length, `${message}: length`);
  for (let i = 0; i < expected.length; i += 1) {
    assert.ok(
      Math.abs((actual[i] as number) - (expected[i] as number)) < 1e-5,
      `${message}: [${i}] is ${actual[i]}, expected ${expected[i]}`,
    );
  }
}

function assertModelMissing(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isSedanoError(error), `a SedanoError, got ${String(error)}`);
    assert.equal(error.code, 'SEDANO_ERR_EMBEDDER_MODEL_MISSING');
    assert.equal(error.retriable, false);
    assert.match(error.message, pattern);
    return true;
  };
}

test('a model directory that does not exist is refused with a clear reason', async (t) => {
  const missing = join(tempDir(t), 'no-such-model');
  await assert.rejects(createTransformersEmbedder({ modelDir: missing }), assertModelMissing(/does not exist/));
});

test('an empty directory is refused, naming the files a model needs', async (t) => {
  await assert.rejects(
    createTransformersEmbedder({ modelDir: tempDir(t) }),
    assertModelMissing(/config\.json, tokenizer\.json, onnx\/\*\.onnx missing.*downloads are not allowed/),
  );
});

test('a directory with broken model files fails to load without fetching anything, and allowRemoteModels stays false', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.json'), '{"model_type": "bert", "hidden_size": 8}');
  writeFileSync(join(dir, 'tokenizer.json'), '{}');
  mkdirSync(join(dir, 'onnx'));
  writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not an onnx model');
  const requested = await recordNetworkRequests(t);
  await assert.rejects(createTransformersEmbedder({ modelDir: dir }), assertModelMissing(/could not be loaded/));
  const { env } = await import('@huggingface/transformers');
  assert.equal(env.allowRemoteModels, false);
  assert.deepEqual(requested, [], 'no network request was made');
});

test('options are checked: relative paths, download without a model id', async () => {
  await assert.rejects(createTransformersEmbedder({ modelDir: 'models/x' }), RangeError);
  await assert.rejects(createTransformersEmbedder({ modelDir: '/models/x', allowDownload: true }), /needs a modelId/);
});

test('a real model directory loads without the network and embeds texts into unit vectors of its dimension', async (t) => {
  const requested = await recordNetworkRequests(t);
  const modelDir = await tinyModel(t);
  const embedder = await createTransformersEmbedder({ modelDir });
  assert.equal(embedder.name, `transformers-${basename(modelDir)}`);
  assert.equal(embedder.dimension, TINY_MODEL_DIMENSION);

  const texts = ['Hello world', 'The dogs sat on the mat.', 'kafka job queue', ''];
  const vectors = await embedder.embed(texts);
  assert.equal(vectors.length, texts.length);
  for (const vector of vectors) {
    assert.ok(vector instanceof Float32Array);
    assert.equal(vector.length, TINY_MODEL_DIMENSION);
    assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-5, `unit length, got ${Math.hypot(...vector)}`);
  }
  // Lower-cased, split at punctuation, "dogs" into WordPiece's dog ##s, [CLS] … [SEP] around.
  assertClose(vectors[0], expectedVector(['hello', 'world']), 'Hello world');
  assertClose(vectors[1], expectedVector(['the', 'dog', '##s', 'sat', 'on', 'the', 'mat', '.']), 'the dogs');
  assertClose(vectors[2], expectedVector(['kafka', 'job', 'queue']), 'kafka job queue');
  assertClose(vectors[3], expectedVector([]), 'the empty text');
  assert.deepEqual(await embedder.embed([]), []);

  const { env } = await import('@huggingface/transformers');
  assert.equal(env.allowRemoteModels, false);
  assert.deepEqual(requested, [], 'no network request was made');
});

test('identical texts give identical vectors, different texts different ones, across calls and batches', async (t) => {
  const requested = await recordNetworkRequests(t);
  const embedder = await createTransformersEmbedder({ modelDir: await tinyModel(t), batchSize: 2 });
  // Seven texts of different lengths in batches of two: padding and batching must change nothing.
  const texts = [
    'the cat sat on the mat',
    'hello',
    'search the document index for a vector',
    'the cat sat on the mat',
    'a test of the model, with numbers',
    'hello world',
    'Hello',
  ];
  const vectors = await embedder.embed(texts);
  assert.equal(vectors.length, texts.length);
  for (const [index, text] of texts.entries()) {
    const [alone] = await embedder.embed([text]);
    assert.ok(alone !== undefined);
    assert.deepEqual(vectors[index], alone, `"${text}" embeds the same alone as in a batch`);
  }
  assert.deepEqual(vectors[0], vectors[3], 'the same text twice in one call');
  assert.deepEqual(vectors[1], vectors[6], 'texts that differ only in case (the tokenizer lower-cases)');
  const distinct = new Set([0, 1, 2, 4, 5].map((index) => (vectors[index] as Float32Array).join(',')));
  assert.equal(distinct.size, 5, 'different texts give different vectors');
  assert.deepEqual(requested, []);
});

test("text beyond the model's 512 tokens is cut off by its tokenizer, not refused", async (t) => {
  await recordNetworkRequests(t);
  const embedder = await createTransformersEmbedder({ modelDir: await tinyModel(t) });
  const head = Array.from({ length: 600 }, (_, index) => (index % 2 === 0 ? 'cat' : 'dog')).join(' ');
  const [catTail, queueTail] = await embedder.embed([`${head} cat cat`, `${head} queue queue`]);
  assert.deepEqual(catTail, queueTail, 'only the first 510 words (plus [CLS], [SEP]) count');
});

test("a configured dimension must match the model's", async (t) => {
  await recordNetworkRequests(t);
  const modelDir = await tinyModel(t);
  assert.equal((await createTransformersEmbedder({ modelDir, dimension: TINY_MODEL_DIMENSION })).dimension, 8);
  await assert.rejects(createTransformersEmbedder({ modelDir, dimension: 384 }), (error: unknown) => {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, 'SEDANO_ERR_EMBEDDER_BAD_RESPONSE');
    assert.match(error.message, /dimension 8, not the configured 384/);
    return true;
  });
});

test('SEDANO_EMBEDDER=transformers with SEDANO_TRANSFORMERS_MODEL_DIR builds this embedder', async (t) => {
  const requested = await recordNetworkRequests(t);
  const modelDir = await tinyModel(t);
  const embedder = await createEmbedder(
    resolveEmbedderConfig({ SEDANO_EMBEDDER: 'transformers', SEDANO_TRANSFORMERS_MODEL_DIR: modelDir }),
  );
  assert.equal(embedder.name, `transformers-${basename(modelDir)}`);
  assert.equal(embedder.dimension, TINY_MODEL_DIMENSION);
  const [vector] = await embedder.embed(['hello world']);
  assertClose(vector, expectedVector(['hello', 'world']), 'hello world');
  assert.deepEqual(requested, []);
});
