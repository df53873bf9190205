/**
 * The hyper-parameters of a training request, checked (pure). Every value that is not a
 * number, not whole where it must be, or outside its range fails at once with
 * SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER naming the field; the first problem found is
 * reported with all the others in one message.
 */
import type { TrainModelRequest } from '../../../schemas/train-model-request.ts';
import { SedanoError } from '../../lib/errors.ts';
import { pickSeed } from './seeded-random.ts';

/** The parameters of one run, checked, with the seed chosen when the request gave none. */
export interface TrainingParameters {
  epochs: number;
  /** Fraction of each label's examples held out for validation, in [0, 0.9]. */
  validationSplit: number;
  learningRate: number;
  batchSize: number;
  l2Regularization: number;
  /** Units of the hidden layer (ReLU); 0 trains a softmax head on the embeddings. */
  hiddenUnits: number;
  /** Epochs without a better validation loss before stopping; null never stops early. */
  earlyStoppingPatience: number | null;
  /** Weigh each label by the inverse of its frequency, so a rare label counts as much. */
  balanceClasses: boolean;
  seed: number;
}

/** The bounds a run's parameters must keep (the trainer's options set the epochs' ceiling). */
export interface ParameterLimits {
  maxEpochs: number;
  maxHiddenUnits: number;
  maxBatchSize: number;
}

type Check = [field: string, value: unknown, ok: (value: number) => boolean, range: string];

/** Checks the request's parameters against `limits`; throws the coded error naming each bad field. */
export function resolveTrainingParameters(
  request: Pick<TrainModelRequest, 'epochs' | 'validationSplit' | 'hyperParameters'>,
  limits: ParameterLimits,
  seedWhenNone: () => number = pickSeed,
): TrainingParameters {
  const hp = request.hyperParameters;
  const checks: Check[] = [
    [
      'epochs',
      request.epochs,
      (v) => Number.isInteger(v) && v >= 1 && v <= limits.maxEpochs,
      `a whole number in [1, ${limits.maxEpochs}]`,
    ],
    ['validationSplit', request.validationSplit, (v) => v >= 0 && v <= 0.9, 'a number in [0, 0.9]'],
    ['hyperParameters.learningRate', hp.learningRate, (v) => v > 0 && v <= 10, 'a number in (0, 10]'],
    [
      'hyperParameters.batchSize',
      hp.batchSize,
      (v) => Number.isInteger(v) && v >= 1 && v <= limits.maxBatchSize,
      `a whole number in [1, ${limits.maxBatchSize}]`,
    ],
    ['hyperParameters.l2Regularization', hp.l2Regularization, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'],
    [
      'hyperParameters.hiddenUnits',
      hp.hiddenUnits,
      (v) => Number.isInteger(v) && v >= 0 && v <= limits.maxHiddenUnits,
      `a whole number in [0, ${limits.maxHiddenUnits}]`,
    ],
    [
      'hyperParameters.earlyStoppingPatience',
      hp.earlyStoppingPatience ?? 1,
      (v) => Number.isInteger(v) && v >= 1,
      'null or a whole number >= 1',
    ],
    ['hyperParameters.seed', hp.seed ?? 0, (v) => Number.isSafeInteger(v) && v >= 0, 'null or a whole number >= 0'],
  ];
  const problems = checks
    .filter(([, value, ok]) => typeof value !== 'number' || !Number.isFinite(value) || !ok(value))
    .map(([field, value, , range]) => `${field} must be ${range}, got ${JSON.stringify(value) ?? String(value)}`);
  if (problems.length > 0) {
    throw new SedanoError('SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER', problems.join('; '), { retriable: false });
  }
  return {
    epochs: request.epochs,
    validationSplit: request.validationSplit,
    learningRate: hp.learningRate,
    batchSize: hp.batchSize,
    l2Regularization: hp.l2Regularization,
    hiddenUnits: hp.hiddenUnits,
    earlyStoppingPatience: hp.earlyStoppingPatience,
    balanceClasses: hp.balanceClasses,
    seed: hp.seed ?? seedWhenNone(),
  };
}
