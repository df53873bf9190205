/**
 * TensorFlow.js on its WebAssembly backend, loaded once per thread on first use. The .wasm
 * binaries ship in the `@tensorflow/tfjs-backend-wasm` package and are read from
 * node_modules (their directory is set explicitly, so nothing is fetched at run time);
 * `@tensorflow/tfjs-node` is not used because its install downloads a native library from
 * outside the npm registry.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs';

export type Tensorflow = typeof tfjs;

let loading: Promise<Tensorflow> | undefined;

/** The directory holding the backend's .wasm files, inside node_modules. */
export function wasmDirectory(): string {
  return `${dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')))}/`;
}

/** TensorFlow.js with the wasm backend ready; a failed load is tried again on the next call. */
export function loadTensorflow(): Promise<Tensorflow> {
  loading ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDirectory());
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
    await tf.ready();
    return tf;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
