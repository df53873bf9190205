/**
 * The classifier as TensorFlow.js tensors: dense layers initialised from the run's seed, the
 * examples' features and targets, Adam, and the two computations a run needs: one optimiser
 * step on a batch (class-weighted softmax cross-entropy plus the L2 penalty) and the loss and
 * accuracy over a set of examples (unweighted, as a user reads them).
 */
import type { Tensor, Variable } from '@tensorflow/tfjs';
import type { DenseLayer } from './classifier-network.ts';
import type { LabelledSet } from './labelled-set.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { Tensorflow } from './tensorflow-runtime.ts';
import type { TrainingParameters } from './training-parameters.ts';

export interface NetworkTrainingInput {
  /** Embeddings of `set.texts`, row after row (`texts.length × dimension`). */
  vectors: Float32Array;
  dimension: number;
  set: LabelledSet;
  /** One weight per label (see classWeights). */
  classWeights: number[];
  parameters: TrainingParameters;
  random: SeededRandom;
}

export interface ClassifierGraph {
  /** One optimiser step on the examples at `indices`; returns the batch's cost (NaN when there is none). */
  step(indices: number[]): number;
  /** Mean cross-entropy and accuracy over the examples at `indices`. */
  evaluate(indices: readonly number[]): { loss: number; accuracy: number };
  /** The current weights, copied out. */
  snapshot(): DenseLayer[];
  /** Frees every tensor and the optimiser's state. */
  dispose(): void;
}

interface Layer {
  inputs: number;
  units: number;
  weights: Variable;
  bias: Variable;
}

/** Builds the graph of `input`; the caller disposes it. */
export function createClassifierGraph(tf: Tensorflow, input: NetworkTrainingInput): ClassifierGraph {
  const { set, parameters } = input;
  const sizes = [input.dimension, ...(parameters.hiddenUnits > 0 ? [parameters.hiddenUnits] : []), set.labels.length];
  const layers: Layer[] = sizes.slice(1).map((units, index) => {
    const inputs = sizes[index] as number;
    const initialiser = tf.initializers.glorotUniform({ seed: input.random.nextSeed() });
    return {
      inputs,
      units,
      weights: tf.variable(initialiser.apply([inputs, units])),
      bias: tf.variable(tf.zeros([units])),
    };
  });
  const variables = layers.flatMap((layer) => [layer.weights, layer.bias]);
  const data = tf.tidy(() => {
    const targets = tf.tensor1d(set.targets, 'int32');
    return {
      features: tf.tensor2d(input.vectors, [set.texts.length, input.dimension]),
      targets,
      oneHot: tf.oneHot(targets, set.labels.length).toFloat(),
      exampleWeights: tf.tensor1d(set.targets.map((target) => input.classWeights[target] ?? 1)),
    };
  });
  const optimizer = tf.train.adam(parameters.learningRate);
  const logits = (x: Tensor): Tensor =>
    layers.reduce((activations, layer, index) => {
      const output = activations.matMul(layer.weights).add(layer.bias);
      return index < layers.length - 1 ? output.relu() : output;
    }, x);
  const crossEntropy = (idx: Tensor, scores: Tensor) => data.oneHot.gather(idx).mul(tf.logSoftmax(scores)).sum(1).neg();

  return {
    step: (indices) =>
      tf.tidy(() => {
        const idx = tf.tensor1d(indices, 'int32');
        const cost = optimizer.minimize(
          () => {
            const loss = crossEntropy(idx, logits(data.features.gather(idx)))
              .mul(data.exampleWeights.gather(idx))
              .mean();
            if (parameters.l2Regularization === 0) return loss.asScalar();
            const penalty = layers.reduce((sum: Tensor, layer) => sum.add(layer.weights.square().sum()), tf.scalar(0));
            return loss.add(penalty.mul(parameters.l2Regularization)).asScalar();
          },
          true,
          variables,
        );
        return cost?.dataSync()[0] ?? Number.NaN;
      }),
    evaluate: (indices) =>
      tf.tidy(() => {
        const idx = tf.tensor1d(indices as number[], 'int32');
        const scores = logits(data.features.gather(idx));
        const correct = scores.argMax(1).equal(data.targets.gather(idx)).toFloat().mean();
        return {
          loss: crossEntropy(idx, scores).mean().dataSync()[0] as number,
          accuracy: correct.dataSync()[0] as number,
        };
      }),
    snapshot: () =>
      layers.map((layer) => ({
        inputs: layer.inputs,
        units: layer.units,
        weights: Float32Array.from(layer.weights.dataSync()),
        bias: Float32Array.from(layer.bias.dataSync()),
      })),
    dispose: () => {
      optimizer.dispose();
      tf.dispose([...Object.values(data), ...variables]);
    },
  };
}
