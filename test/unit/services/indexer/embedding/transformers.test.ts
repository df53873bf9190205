// No model exists on this machine and none may be downloaded in tests: these tests check the
// refusals. A real run with a model is not part of the suite.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSedanoError } from '../../../../../services/lib/errors.ts';
import { createTransformersEmbedder } from '../../../../../services/indexer/embedding/transformers.ts';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-model-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
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
  const requested: string[] = [];
  const realFetch = globalThis.fetch;
  // Records any network request the library would make; a real one must never happen here.
  // The library binds fetch when first imported, which in this process happens after this line.
  globalThis.fetch = async (input: Parameters<typeof fetch>[0]): Promise<Response> => {
    requested.push(input instanceof Request ? input.url : String(input));
    throw new Error('network access is not allowed in this test');
  };
  t.after(() => {
    globalThis.fetch = realFetch;
  });
  await assert.rejects(createTransformersEmbedder({ modelDir: dir }), assertModelMissing(/could not be loaded/));
  const { env } = await import('@huggingface/transformers');
  assert.equal(env.allowRemoteModels, false);
  assert.deepEqual(requested, [], 'no network request was made');
});

test('options are checked: relative paths, download without a model id', async () => {
  await assert.rejects(createTransformersEmbedder({ modelDir: 'models/x' }), RangeError);
  await assert.rejects(createTransformersEmbedder({ modelDir: '/models/x', allowDownload: true }), /needs a modelId/);
});
