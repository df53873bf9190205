/**
 * A trained classifier's weights as plain arrays and its forward pass in plain TypeScript
 * (pure): dense layers, ReLU between them, softmax at the end. Classifying needs no numeric
 * library, so the analysis stage loads a model without TensorFlow.js.
 */

/** One dense layer: `output = input × weights + bias`, weights row-major `[inputs][units]`. */
export interface DenseLayer {
  inputs: number;
  units: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** The layers of a classifier, input first; the last one has one unit per label. */
export interface ClassifierNetwork {
  layers: DenseLayer[];
}

/** The softmax probabilities of each input vector (one row per input, one column per label). */
export function predictProbabilities(network: ClassifierNetwork, inputs: readonly Float32Array[]): Float32Array[] {
  return inputs.map((input) => {
    let activations = input;
    network.layers.forEach((layer, index) => {
      const output = dense(layer, activations);
      if (index < network.layers.length - 1)
        for (let u = 0; u < output.length; u += 1) output[u] = Math.max(0, output[u] as number);
      activations = output;
    });
    return softmax(activations);
  });
}

/** The index of the largest value (the first on a tie). */
export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

function dense(layer: DenseLayer, input: Float32Array): Float32Array {
  if (input.length !== layer.inputs) {
    throw new RangeError(`a layer of ${layer.inputs} inputs got a vector of ${input.length}`);
  }
  const output = Float32Array.from(layer.bias);
  for (let i = 0; i < layer.inputs; i += 1) {
    const x = input[i] as number;
    if (x === 0) continue;
    const row = i * layer.units;
    for (let u = 0; u < layer.units; u += 1) output[u] = (output[u] as number) + x * (layer.weights[row + u] as number);
  }
  return output;
}

function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i += 1) {
    out[i] = Math.exp((logits[i] as number) - max);
    sum += out[i] as number;
  }
  for (let i = 0; i < out.length; i += 1) out[i] = (out[i] as number) / sum;
  return out;
}
