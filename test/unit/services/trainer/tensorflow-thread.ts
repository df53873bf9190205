/** Loads TensorFlow.js in a worker thread and posts back its backend and a computed sum. */
import { parentPort } from 'node:worker_threads';
import { loadTensorflow } from '../../../../services/trainer/training/tensorflow-runtime.ts';

const tf = await loadTensorflow();
const sum = tf.tensor1d([1, 2, 3]).sum().dataSync()[0];
parentPort?.postMessage({ backend: tf.getBackend(), sum });
