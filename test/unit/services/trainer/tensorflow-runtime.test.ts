import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { loadTensorflow, wasmDirectory } from '../../../../services/trainer/training/tensorflow-runtime.ts';

test('the wasm backend loads its .wasm files from node_modules', async () => {
  const directory = wasmDirectory();
  assert.match(directory, /node_modules\/@tensorflow\/tfjs-backend-wasm\/dist\/$/);
  assert.ok(readdirSync(directory).includes('tfjs-backend-wasm.wasm'));
  const tf = await loadTensorflow();
  assert.equal(tf.getBackend(), 'wasm');
});

test('the wasm backend loads in a worker thread too', async () => {
  const worker = new Worker(new URL('tensorflow-thread.ts', import.meta.url));
  const reply = await new Promise<{ backend: string; sum: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(reply, { backend: 'wasm', sum: 6 });
});
