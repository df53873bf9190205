/**
 * Trains a classifier network on embedded examples with TensorFlow.js (wasm backend): dense
 * layers initialised from the run's seed, Adam, a class-weighted softmax cross-entropy with
 * an optional L2 penalty, mini-batches in a seeded order. After each batch the event loop gets
 * a turn and the signal is checked, so a revoke or time limit stops the run within one batch;
 * after each epoch the training and validation loss and accuracy are measured and reported.
 * A loss that is not finite fails the run with SEDANO_ERR_TRAINING_LOSS_NAN.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { SedanoError } from '../../lib/errors.ts';
import type { ClassifierNetwork, DenseLayer } from './classifier-network.ts';
import type { LabelledSet } from './labelled-set.ts';
import type { SeededRandom } from './seeded-random.ts';
import { loadTensorflow, type Tensorflow } from './tensorflow-runtime.ts';
import type { TrainingParameters } from './training-parameters.ts';

/** What one epoch measured; validation figures are null without a validation part. */
export interface EpochMetrics {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
}

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

export interface NetworkTrainingHooks {
  signal?: AbortSignal;
  /** Called after every epoch; the run waits for it. */
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
}

export interface TrainedNetwork {
  network: ClassifierNetwork;
  /** Every epoch run, in order. */
  history: EpochMetrics[];
  /** The epoch whose weights were kept: the last one, or the best one when early stopping is on. */
  keptEpoch: number;
  stoppedEarly: boolean;
}

interface Layer {
  inputs: number;
  units: number;
  weights: Variable;
  bias: Variable;
}

/** Improvement of the validation loss that counts for early stopping. */
const MIN_IMPROVEMENT = 1e-4;

/** Trains the network; throws the signal's reason when it aborts, and disposes every tensor in every case. */
export async function trainNetwork(
  input: NetworkTrainingInput,
  hooks: NetworkTrainingHooks = {},
): Promise<TrainedNetwork> {
  const tf = await loadTensorflow();
  hooks.signal?.throwIfAborted();
  const { set, parameters } = input;
  const layers = createLayers(tf, input.dimension, set.labels.length, parameters, input.random);
  const variables = layers.flatMap((layer) => [layer.weights, layer.bias]);
  const features = tf.tensor2d(input.vectors, [set.texts.length, input.dimension]);
  const targets = tf.tensor1d(set.targets, 'int32');
  const oneHot = tf.oneHot(targets, set.labels.length).toFloat();
  const exampleWeights = tf.tensor1d(set.targets.map((target) => input.classWeights[target] ?? 1));
  const optimizer = tf.train.adam(parameters.learningRate);
  const logits = (x: Tensor): Tensor =>
    layers.reduce((activations, layer, index) => {
      const output = activations.matMul(layer.weights).add(layer.bias);
      return index < layers.length - 1 ? output.relu() : output;
    }, x);
  const evaluate = (indices: readonly number[]): { loss: number; accuracy: number } => {
    const [loss, accuracy] = tf.tidy(() => {
      const idx = tf.tensor1d(indices as number[], 'int32');
      const scores = logits(features.gather(idx));
      const crossEntropy = oneHot.gather(idx).mul(tf.logSoftmax(scores)).sum(1).neg().mean();
      const correct = scores.argMax(1).equal(targets.gather(idx)).toFloat().mean();
      return [crossEntropy.dataSync()[0] as number, correct.dataSync()[0] as number];
    });
    return { loss: loss, accuracy: accuracy };
  };
  const step = (indices: number[]): number =>
    tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      const cost = optimizer.minimize(
        () => {
          const scores = logits(features.gather(idx));
          const crossEntropy = oneHot.gather(idx).mul(tf.logSoftmax(scores)).sum(1).neg();
          const data = crossEntropy.mul(exampleWeights.gather(idx)).mean();
          if (parameters.l2Regularization === 0) return data.asScalar();
          const penalty = layers.reduce((sum: Tensor, layer) => sum.add(layer.weights.square().sum()), tf.scalar(0));
          return data.add(penalty.mul(parameters.l2Regularization)).asScalar();
        },
        true,
        variables,
      );
      return cost?.dataSync()[0] ?? Number.NaN;
    });

  try {
    const history: EpochMetrics[] = [];
    let best = { loss: Infinity, epoch: 0, snapshot: snapshot(layers) };
    let stoppedEarly = false;
    for (let epoch = 1; epoch <= parameters.epochs; epoch += 1) {
      const order = input.random.shuffle(set.training);
      for (let start = 0; start < order.length; start += parameters.batchSize) {
        const cost = step(order.slice(start, start + parameters.batchSize));
        if (!Number.isFinite(cost)) {
          throw new SedanoError(
            'SEDANO_ERR_TRAINING_LOSS_NAN',
            `the training loss became ${cost} at epoch ${epoch}, batch ${start / parameters.batchSize + 1} ` +
              `(learningRate ${parameters.learningRate}); lower the learning rate`,
            { retriable: false },
          );
        }
        // A turn of the event loop lets the abort message from the pool reach the signal.
        await new Promise((resolve) => setImmediate(resolve));
        hooks.signal?.throwIfAborted();
      }
      const trained = evaluate(set.training);
      const validated = set.validation.length > 0 ? evaluate(set.validation) : null;
      const metrics: EpochMetrics = {
        epoch,
        epochs: parameters.epochs,
        loss: trained.loss,
        accuracy: trained.accuracy,
        validationLoss: validated?.loss ?? null,
        validationAccuracy: validated?.accuracy ?? null,
      };
      history.push(metrics);
      await hooks.onEpoch?.(metrics);
      if (parameters.earlyStoppingPatience === null || validated === null) continue;
      if (validated.loss < best.loss - MIN_IMPROVEMENT)
        best = { loss: validated.loss, epoch, snapshot: snapshot(layers) };
      else if (epoch - best.epoch >= parameters.earlyStoppingPatience) {
        stoppedEarly = true;
        break;
      }
    }
    const keepBest = parameters.earlyStoppingPatience !== null && best.epoch > 0;
    return {
      network: { layers: keepBest ? best.snapshot : snapshot(layers) },
      history,
      keptEpoch: keepBest ? best.epoch : history.length,
      stoppedEarly,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([features, targets, oneHot, exampleWeights, ...variables]);
  }
}

function createLayers(
  tf: Tensorflow,
  dimension: number,
  labels: number,
  parameters: TrainingParameters,
  random: SeededRandom,
): Layer[] {
  const sizes = parameters.hiddenUnits > 0 ? [dimension, parameters.hiddenUnits, labels] : [dimension, labels];
  return sizes.slice(1).map((units, index) => {
    const inputs = sizes[index] as number;
    const initialiser = tf.initializers.glorotUniform({ seed: random.nextSeed() });
    return {
      inputs,
      units,
      weights: tf.variable(initialiser.apply([inputs, units])),
      bias: tf.variable(tf.zeros([units])),
    };
  });
}

function snapshot(layers: readonly Layer[]): DenseLayer[] {
  return layers.map((layer) => ({
    inputs: layer.inputs,
    units: layer.units,
    weights: Float32Array.from(layer.weights.dataSync()),
    bias: Float32Array.from(layer.bias.dataSync()),
  }));
}
