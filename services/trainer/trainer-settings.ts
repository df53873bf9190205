/**
 * The training stage's settings from environment-style variables (pure: the caller passes
 * `process.env`). The trainer's main.ts resolves them once at start-up to fail fast; each
 * worker thread resolves them again for its own connections (threads get a copy of the
 * process's environment), as the indexer's threads do; the gateway uses the registry's part.
 *
 * | variable | default | meaning |
 * | SEDANO_MODEL_DIR | `<repo>/.sedano/data/models` | absolute directory of saved model versions |
 * | SEDANO_MODEL_INDEX_PREFIX | `sedano:models:` | Redis key prefix of the model registry's index |
 * | SEDANO_TRAINING_MIN_EXAMPLES_PER_LABEL | 5 | fewest examples a label may have |
 * | SEDANO_TRAINING_MAX_EXAMPLES | 100000 | most examples of one run |
 * | SEDANO_TRAINING_MAX_DATASET_BYTES | 52428800 | largest dataset file |
 * | SEDANO_TRAINING_MAX_TEXT_CHARS | 20000 | longest example text |
 * | SEDANO_TRAINING_MAX_EPOCHS | 500 | most epochs a request may ask for |
 * | SEDANO_DOCUMENT_ROOTS, SEDANO_EMBEDDING_CACHE_PREFIX, embedder variables | see indexer-settings.ts | |
 */
import { isAbsolute } from 'node:path';
import { type IndexerSettings, resolveIndexerSettings } from '../indexer/indexer-settings.ts';
import { MODEL_INDEX_PREFIX } from './model-registry/redis-model-index.ts';
import { type ResolvedTrainerOptions, resolveTrainerOptions, type TrainerOptions } from './trainer-options.ts';

/** Where model versions are saved when SEDANO_MODEL_DIR is unset. */
export const DEFAULT_MODEL_DIR = new URL('../../.sedano/data/models', import.meta.url).pathname;

export interface TrainerSettings {
  /** Absolute directories datasets are read from. */
  documentRoots: string[];
  embedder: IndexerSettings['embedder'];
  embeddingCachePrefix: string;
  /** Absolute directory of the model registry's files. */
  modelDir: string;
  /** Redis key prefix of the model registry's index. */
  modelIndexPrefix: string;
  options: ResolvedTrainerOptions;
}

type Environment = Readonly<Record<string, string | undefined>>;

const OPTION_VARIABLES: Record<string, keyof TrainerOptions> = {
  SEDANO_TRAINING_MIN_EXAMPLES_PER_LABEL: 'minExamplesPerLabel',
  SEDANO_TRAINING_MAX_EXAMPLES: 'maxExamples',
  SEDANO_TRAINING_MAX_DATASET_BYTES: 'maxDatasetBytes',
  SEDANO_TRAINING_MAX_TEXT_CHARS: 'maxTextChars',
  SEDANO_TRAINING_MAX_EPOCHS: 'maxEpochs',
};

/** Reads and validates the settings; throws a RangeError naming every problem at once. */
export function resolveTrainerSettings(env: Environment): TrainerSettings {
  const problems: string[] = [];
  let base: IndexerSettings | undefined;
  try {
    base = resolveIndexerSettings(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const modelDir = text('SEDANO_MODEL_DIR') ?? DEFAULT_MODEL_DIR;
  if (!isAbsolute(modelDir)) problems.push(`SEDANO_MODEL_DIR: "${modelDir}" is not an absolute path`);
  const given: TrainerOptions = {};
  for (const [name, option] of Object.entries(OPTION_VARIABLES)) {
    const value = text(name);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) problems.push(`${name}: expected a whole number, got "${value}"`);
    else given[option] = Number(value);
  }
  let options: ResolvedTrainerOptions | undefined;
  try {
    options = resolveTrainerOptions(given);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || base === undefined || options === undefined) {
    throw new RangeError(`invalid trainer settings: ${problems.join('; ')}`);
  }
  return {
    documentRoots: base.documentRoots,
    embedder: base.embedder,
    embeddingCachePrefix: base.embeddingCachePrefix,
    modelDir,
    modelIndexPrefix: text('SEDANO_MODEL_INDEX_PREFIX') ?? MODEL_INDEX_PREFIX,
    options,
  };
}
