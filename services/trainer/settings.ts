/**
 * The trainer worker's settings (services/lib/settings.ts): the shared base, the document roots
 * datasets are read from, the embedder (the indexer's, so a model is trained on the vectors its
 * collections hold), where model versions are saved, the training limits and how many runs go
 * at once. main.ts resolves them once; the worker threads get what they need as the stage's
 * `handlerData` (`trainerThreadSettings`), since threads never read the environment.
 */
import type { RedisKeys } from '../../topology/redis-keys.ts';
import { baseSettings, defineSettings, type ResolvedSettings, setting } from '../lib/settings.ts';
import { documentRootsSetting } from '../indexer/document-access.ts';
import { type EmbedderConfig, embedderConfigOf, embedderSettings } from '../indexer/embedding-access.ts';
import { DEFAULT_TRAINER_OPTIONS, type ResolvedTrainerOptions, resolveTrainerOptions } from './trainer-options.ts';

/** Where model versions are saved when SEDANO_MODEL_DIR is unset. */
export const DEFAULT_MODEL_DIR = new URL('../../.sedano/data/models', import.meta.url).pathname;

/** Where the model registry keeps its files: shared by the trainer, the gateway and analysis. */
export const modelDirSetting = setting.string('SEDANO_MODEL_DIR', {
  description: 'absolute directory of saved model versions (the registry index is in Redis)',
  default: DEFAULT_MODEL_DIR,
  defaultShown: '`<repo>/.sedano/data/models`',
  pattern: '^/',
  expected: 'an absolute path',
});

export const trainerSettings = defineSettings({
  ...baseSettings,
  documentRoots: documentRootsSetting,
  modelDir: modelDirSetting,
  concurrency: setting.integer('SEDANO_TRAINER_CONCURRENCY', {
    description: 'training runs one trainer process runs at once, one per worker thread (a run uses a whole core)',
    default: 1,
    minimum: 1,
    maximum: 64,
  }),
  minExamplesPerLabel: setting.integer('SEDANO_TRAINING_MIN_EXAMPLES_PER_LABEL', {
    description: 'fewest examples a label may have',
    default: DEFAULT_TRAINER_OPTIONS.minExamplesPerLabel,
    minimum: 1,
  }),
  maxExamples: setting.integer('SEDANO_TRAINING_MAX_EXAMPLES', {
    description: 'most examples of one run, inline and dataset together',
    default: DEFAULT_TRAINER_OPTIONS.maxExamples,
    minimum: 1,
  }),
  maxDatasetBytes: setting.size('SEDANO_TRAINING_MAX_DATASET_BYTES', {
    description: 'largest dataset file',
    default: '50MiB',
    minimumBytes: 1,
  }),
  maxTextChars: setting.integer('SEDANO_TRAINING_MAX_TEXT_CHARS', {
    description: 'longest text of one example, in characters',
    default: DEFAULT_TRAINER_OPTIONS.maxTextChars,
    minimum: 1,
  }),
  maxEpochs: setting.integer('SEDANO_TRAINING_MAX_EPOCHS', {
    description: 'most epochs a request may ask for',
    default: DEFAULT_TRAINER_OPTIONS.maxEpochs,
    minimum: 1,
  }),
  ...embedderSettings,
});

export type TrainerSettings = ResolvedSettings<typeof trainerSettings>;

/** What a training thread builds its collaborators from (structured-cloneable). */
export interface TrainerThreadSettings {
  /** Absolute directories datasets are read from, in lookup order. */
  documentRoots: readonly string[];
  /** Absolute directory of the model registry's files. */
  modelDir: string;
  embedder: EmbedderConfig;
  redisUrl: string;
  /** The namespace whose embedding-cache and model-registry keys the thread uses. */
  namespace: RedisKeys['namespace'];
  /** The bounds of one run. */
  limits: ResolvedTrainerOptions;
}

/** The threads' settings from the resolved ones (throws a SettingsError for an incomplete embedder). */
export function trainerThreadSettings(settings: TrainerSettings): TrainerThreadSettings {
  return {
    documentRoots: settings.documentRoots,
    modelDir: settings.modelDir,
    embedder: embedderConfigOf(settings),
    redisUrl: settings.redisUrl,
    namespace: settings.namespace,
    limits: resolveTrainerOptions({
      minExamplesPerLabel: settings.minExamplesPerLabel,
      maxExamples: settings.maxExamples,
      maxDatasetBytes: settings.maxDatasetBytes,
      maxTextChars: settings.maxTextChars,
      maxEpochs: settings.maxEpochs,
    }),
  };
}
