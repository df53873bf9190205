/**
 * Builds the configured Embedder from environment-style settings:
 *
 * | variable | default | meaning |
 * | SEDANO_EMBEDDER | `hashing` | `hashing`, `transformers` or `http` |
 * | SEDANO_EMBEDDING_DIMENSION | 384 (hashing); the model's (transformers); required (http) | vector length |
 * | SEDANO_TRANSFORMERS_MODEL_DIR | — | absolute path of a local transformers.js model (transformers) |
 * | SEDANO_TRANSFORMERS_ALLOW_DOWNLOAD | `false` | `true` lets transformers fetch SEDANO_TRANSFORMERS_MODEL_ID into the directory |
 * | SEDANO_TRANSFORMERS_MODEL_ID | — | hub id to download when allowed |
 * | SEDANO_EMBEDDINGS_URL | — | base URL of an OpenAI-compatible API (http) |
 * | SEDANO_EMBEDDINGS_MODEL | — | model name sent to it (http) |
 * | SEDANO_EMBEDDINGS_API_KEY | — | bearer key (http) |
 *
 * Reading `process.env` is left to the service's main.ts; this module takes the values.
 */
import { DEFAULT_HASHING_DIMENSION, createHashingEmbedder } from './hashing.ts';
import { createHttpEmbedder } from './http.ts';
import { createTransformersEmbedder } from './transformers.ts';
import type { Embedder } from './embedder.ts';

export type EmbedderKind = 'hashing' | 'transformers' | 'http';

/** Environment-style settings; unset variables are absent or undefined. */
export type EmbedderEnvironment = Readonly<Record<string, string | undefined>>;

/** The embedder settings, validated. */
export type EmbedderConfig =
  | { kind: 'hashing'; dimension: number }
  | { kind: 'transformers'; modelDir: string; modelId?: string; allowDownload: boolean; dimension?: number }
  | { kind: 'http'; baseUrl: string; model: string; apiKey?: string; dimension: number };

const KINDS: readonly EmbedderKind[] = ['hashing', 'transformers', 'http'];

/** Reads and validates the settings; throws a RangeError naming every problem at once. */
export function resolveEmbedderConfig(env: EmbedderEnvironment): EmbedderConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === '' ? undefined : raw;
  };
  const kind = (value('SEDANO_EMBEDDER') ?? 'hashing') as EmbedderKind;
  if (!KINDS.includes(kind)) problems.push(`SEDANO_EMBEDDER: must be one of ${KINDS.join(', ')}, got "${kind}"`);
  const rawDimension = value('SEDANO_EMBEDDING_DIMENSION');
  const dimension = rawDimension === undefined ? undefined : Number(rawDimension);
  if (dimension !== undefined && (!Number.isInteger(dimension) || dimension < 2)) {
    problems.push(`SEDANO_EMBEDDING_DIMENSION: must be an integer >= 2, got "${rawDimension}"`);
  }
  const required = (name: string): string => {
    const found = value(name);
    if (found === undefined) problems.push(`${name}: required when SEDANO_EMBEDDER=${kind}`);
    return found ?? '';
  };

  let config: EmbedderConfig | undefined;
  if (kind === 'hashing') config = { kind, dimension: dimension ?? DEFAULT_HASHING_DIMENSION };
  if (kind === 'transformers') {
    const modelDir = required('SEDANO_TRANSFORMERS_MODEL_DIR');
    if (modelDir !== '' && !modelDir.startsWith('/'))
      problems.push('SEDANO_TRANSFORMERS_MODEL_DIR: must be an absolute path');
    const allow = value('SEDANO_TRANSFORMERS_ALLOW_DOWNLOAD') ?? 'false';
    if (allow !== 'true' && allow !== 'false')
      problems.push(`SEDANO_TRANSFORMERS_ALLOW_DOWNLOAD: must be true or false, got "${allow}"`);
    const modelId = value('SEDANO_TRANSFORMERS_MODEL_ID');
    if (allow === 'true' && modelId === undefined)
      problems.push('SEDANO_TRANSFORMERS_MODEL_ID: required when downloads are allowed');
    config = {
      kind,
      modelDir,
      allowDownload: allow === 'true',
      ...(modelId === undefined ? {} : { modelId }),
      ...(dimension === undefined ? {} : { dimension }),
    };
  }
  if (kind === 'http') {
    const baseUrl = required('SEDANO_EMBEDDINGS_URL');
    if (baseUrl !== '' && !URL.canParse(baseUrl)) problems.push(`SEDANO_EMBEDDINGS_URL: not a URL: "${baseUrl}"`);
    const model = required('SEDANO_EMBEDDINGS_MODEL');
    if (dimension === undefined) problems.push('SEDANO_EMBEDDING_DIMENSION: required when SEDANO_EMBEDDER=http');
    const apiKey = value('SEDANO_EMBEDDINGS_API_KEY');
    config = { kind, baseUrl, model, dimension: dimension ?? 0, ...(apiKey === undefined ? {} : { apiKey }) };
  }
  if (problems.length > 0 || config === undefined)
    throw new RangeError(`invalid embedder settings: ${problems.join('; ')}`);
  return config;
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
