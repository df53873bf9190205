/**
 * Trains a classifier network on embedded examples with TensorFlow.js (wasm backend): dense
 * layers initialised from the run's seed, Adam, a class-weighted softmax cross-entropy with
 * an optional L2 penalty, mini-batches in a seeded order. After each batch the event loop gets
 * a turn and the signal is checked, so a revoke or time limit stops the run within one batch;
 * after each epoch the training and validation loss and accuracy are measured and reported.
 * A loss that is not finite fails the run with SEDANO_ERR_TRAINING_LOSS_NAN.
 */
import { SedanoError } from '../../lib/errors.ts';
import { type ClassifierGraph, createClassifierGraph, type NetworkTrainingInput } from './classifier-graph.ts';
import type { ClassifierNetwork, DenseLayer } from './classifier-network.ts';
import { loadTensorflow } from './tensorflow-runtime.ts';

export type { NetworkTrainingInput } from './classifier-graph.ts';

/** What one epoch measured; validation figures are null without a validation part. */
export interface EpochMetrics {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
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
  const graph = createClassifierGraph(tf, input);
  try {
    const history: EpochMetrics[] = [];
    let best = { loss: Infinity, epoch: 0, layers: [] as DenseLayer[] };
    let stoppedEarly = false;
    for (let epoch = 1; epoch <= parameters.epochs; epoch += 1) {
      await runEpoch(graph, input, epoch, hooks.signal);
      const trained = graph.evaluate(set.training);
      const validated = set.validation.length > 0 ? graph.evaluate(set.validation) : null;
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
        best = { loss: validated.loss, epoch, layers: graph.snapshot() };
      else if (epoch - best.epoch >= parameters.earlyStoppingPatience) {
        stoppedEarly = true;
        break;
      }
    }
    const keepBest = best.epoch > 0;
    return {
      network: { layers: keepBest ? best.layers : graph.snapshot() },
      history,
      keptEpoch: keepBest ? best.epoch : history.length,
      stoppedEarly,
    };
  } finally {
    graph.dispose();
  }
}

/** One pass over the training part in a seeded order, checking the loss and the signal after every batch. */
async function runEpoch(
  graph: ClassifierGraph,
  input: NetworkTrainingInput,
  epoch: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { batchSize, learningRate } = input.parameters;
  const order = input.random.shuffle(input.set.training);
  for (let start = 0; start < order.length; start += batchSize) {
    const cost = graph.step(order.slice(start, start + batchSize));
    if (!Number.isFinite(cost)) {
      throw new SedanoError(
        'SEDANO_ERR_TRAINING_LOSS_NAN',
        `the training loss became ${cost} at epoch ${epoch}, batch ${start / batchSize + 1} ` +
          `(learningRate ${learningRate}); lower the learning rate`,
        { retriable: false },
      );
    }
    // A turn of the event loop lets the abort message from the pool reach the signal.
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  }
}
