/**
 * The embedder settings (one spec, `embedderSettings`, read through services/lib/settings.ts)
 * and the Embedder they describe: `hashing` (default), `transformers` (a local model
 * directory) or `http` (an OpenAI-compatible API). The indexer, the gateway's search and the
 * trainer share these settings, so a collection is searched with the embedder it was built with.
 */
import { type Environment, resolveSettings, setting, SettingsError, type SettingProblem } from '../../lib/settings.ts';
import type { ResolvedSettings } from '../../lib/settings.ts';
import { DEFAULT_HASHING_DIMENSION, createHashingEmbedder } from './hashing.ts';
import { createHttpEmbedder } from './http.ts';
import { createTransformersEmbedder } from './transformers.ts';
import type { Embedder } from './embedder.ts';

export type EmbedderKind = 'hashing' | 'transformers' | 'http';

/** The embedder settings, validated. */
export type EmbedderConfig =
  | { kind: 'hashing'; dimension: number }
  | { kind: 'transformers'; modelDir: string; modelId?: string; allowDownload: boolean; dimension?: number }
  | { kind: 'http'; baseUrl: string; model: string; apiKey?: string; dimension: number };

export const embedderSettings = {
  embedder: setting.oneOf('SEDANO_EMBEDDER', ['hashing', 'transformers', 'http'], {
    description: 'how texts become vectors: `hashing` (no model), `transformers` (a local model) or `http` (an API)',
    default: 'hashing',
  }),
  embeddingDimension: setting.integer('SEDANO_EMBEDDING_DIMENSION', {
    description: "vector length; required for `http` (default: 384 for hashing, the model's own for transformers)",
    minimum: 2,
  }),
  transformersModelDir: setting.string('SEDANO_TRANSFORMERS_MODEL_DIR', {
    description: 'absolute path of a transformers.js model export (`transformers`)',
    pattern: '^/',
    expected: 'an absolute path',
  }),
  transformersAllowDownload: setting.boolean('SEDANO_TRANSFORMERS_ALLOW_DOWNLOAD', {
    description: '`true` fetches `SEDANO_TRANSFORMERS_MODEL_ID` into the model directory',
    default: false,
  }),
  transformersModelId: setting.string('SEDANO_TRANSFORMERS_MODEL_ID', {
    description: 'Hugging Face model id to download when allowed',
  }),
  embeddingsUrl: setting.url('SEDANO_EMBEDDINGS_URL', {
    description: 'base URL of the OpenAI-compatible API (`http`), e.g. `…/v1`',
  }),
  embeddingsModel: setting.string('SEDANO_EMBEDDINGS_MODEL', { description: 'model name sent to it' }),
  embeddingsApiKey: setting.string('SEDANO_EMBEDDINGS_API_KEY', { description: 'bearer key sent to it', secret: true }),
};

export type EmbedderSettings = ResolvedSettings<typeof embedderSettings>;

/** The EmbedderConfig of resolved settings; throws a SettingsError naming each setting a kind needs and lacks. */
export function embedderConfigOf(settings: EmbedderSettings): EmbedderConfig {
  const problems: SettingProblem[] = [];
  const kind = settings.embedder;
  const required = <T>(value: T | undefined, variable: string, expected: string): T | undefined => {
    if (value === undefined)
      problems.push({ variable, expected: `${expected} (required when SEDANO_EMBEDDER=${kind})`, given: '(unset)' });
    return value;
  };
  let config: EmbedderConfig;
  if (kind === 'transformers') {
    const modelDir = required(settings.transformersModelDir, 'SEDANO_TRANSFORMERS_MODEL_DIR', 'an absolute path') ?? '';
    if (settings.transformersAllowDownload) {
      required(settings.transformersModelId, 'SEDANO_TRANSFORMERS_MODEL_ID', 'a model id when downloads are allowed');
    }
    config = {
      kind,
      modelDir,
      allowDownload: settings.transformersAllowDownload,
      ...(settings.transformersModelId === undefined ? {} : { modelId: settings.transformersModelId }),
      ...(settings.embeddingDimension === undefined ? {} : { dimension: settings.embeddingDimension }),
    };
  } else if (kind === 'http') {
    config = {
      kind,
      baseUrl: required(settings.embeddingsUrl, 'SEDANO_EMBEDDINGS_URL', 'a URL') ?? '',
      model: required(settings.embeddingsModel, 'SEDANO_EMBEDDINGS_MODEL', 'a model name') ?? '',
      dimension:
        required(settings.embeddingDimension, 'SEDANO_EMBEDDING_DIMENSION', 'a whole number of at least 2') ?? 0,
      ...(settings.embeddingsApiKey === undefined ? {} : { apiKey: settings.embeddingsApiKey }),
    };
  } else {
    config = { kind, dimension: settings.embeddingDimension ?? DEFAULT_HASHING_DIMENSION };
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return config;
}

/** The embedder's checks across its settings (a kind's required settings), for a service's `check`. */
export function embedderSettingsProblems(
  settings: Partial<EmbedderSettings>,
  failed: ReadonlySet<PropertyKey>,
): SettingProblem[] {
  if (Object.keys(embedderSettings).some((property) => failed.has(property))) return [];
  try {
    embedderConfigOf(settings as EmbedderSettings);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return [...error.problems];
    throw error;
  }
}

/** The EmbedderConfig from environment-style variables (every problem at once, as a SettingsError). */
export function resolveEmbedderConfig(env: Environment): EmbedderConfig {
  return embedderConfigOf(resolveSettings(embedderSettings, env));
}

/** Creates the embedder `config` describes (transformers loads its model, hence async). */
export async function createEmbedder(config: EmbedderConfig): Promise<Embedder> {
  switch (config.kind) {
    case 'hashing':
      return createHashingEmbedder({ dimension: config.dimension });
    case 'transformers':
      return createTransformersEmbedder(config);
    case 'http':
      return createHttpEmbedder(config);
  }
}
