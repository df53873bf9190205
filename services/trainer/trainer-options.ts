/**
 * The training stage's options: the bounds of what one run may read and ask for (pure). Every
 * field is optional and falls back to its default; resolveTrainerOptions reports every bad or
 * unknown option at once.
 */
import Type from 'typebox';
import { optionsProblems, withoutUndefined } from '../lib/options.ts';

export interface TrainerOptions {
  /** Fewest examples a label may have. @default 5 */
  minExamplesPerLabel?: number;
  /** Most examples of one run, inline and dataset together. @default 100000 */
  maxExamples?: number;
  /** Largest dataset file, in bytes. @default 52428800 (50 MiB) */
  maxDatasetBytes?: number;
  /** Longest text of one example, in characters. @default 20000 */
  maxTextChars?: number;
  /** Most epochs a request may ask for. @default 500 */
  maxEpochs?: number;
  /** Most units a request may ask for in the hidden layer. @default 1024 */
  maxHiddenUnits?: number;
  /** Largest batch a request may ask for. @default 4096 */
  maxBatchSize?: number;
  /** A run warns when its commonest label has more than this many times the examples of its rarest. @default 3 */
  imbalanceWarningRatio?: number;
  /** Texts embedded per embedder call. @default 256 */
  embedBatchSize?: number;
}

export type ResolvedTrainerOptions = Readonly<Required<TrainerOptions>>;

export const DEFAULT_TRAINER_OPTIONS: ResolvedTrainerOptions = Object.freeze({
  minExamplesPerLabel: 5,
  maxExamples: 100_000,
  maxDatasetBytes: 50 * 1024 * 1024,
  maxTextChars: 20_000,
  maxEpochs: 500,
  maxHiddenUnits: 1024,
  maxBatchSize: 4096,
  imbalanceWarningRatio: 3,
  embedBatchSize: 256,
});

const positiveInteger = Type.Optional(Type.Integer({ minimum: 1 }));

const TrainerOptionsSchema = Type.Object(
  {
    minExamplesPerLabel: positiveInteger,
    maxExamples: positiveInteger,
    maxDatasetBytes: positiveInteger,
    maxTextChars: positiveInteger,
    maxEpochs: positiveInteger,
    maxHiddenUnits: positiveInteger,
    maxBatchSize: positiveInteger,
    imbalanceWarningRatio: Type.Optional(Type.Number({ minimum: 1 })),
    embedBatchSize: positiveInteger,
  },
  { additionalProperties: false },
);

/** Applies the defaults and validates; throws a RangeError naming every problem (`/maxEpochs: must be >= 1`). */
export function resolveTrainerOptions(options: TrainerOptions = {}): ResolvedTrainerOptions {
  const problems = optionsProblems(TrainerOptionsSchema, options);
  if (problems.length > 0) throw new RangeError(`invalid trainer options: ${problems.join('; ')}`);
  return Object.freeze({ ...DEFAULT_TRAINER_OPTIONS, ...withoutUndefined(options) });
}
