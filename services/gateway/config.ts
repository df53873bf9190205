/**
 * The gateway's settings (services/lib/settings.ts) and its API tokens:
 *
 * - `SEDANO_API_TOKENS`: JSON `[{ "token": "...", "scopes": ["submit", "read", "admin"], "name": "..." }]`,
 *   or `SEDANO_API_TOKENS_FILE`: a file holding the same JSON (both: the tokens of both);
 * - the listening address, the access log, the Jaeger UI link, and collection search's embedder
 *   and store settings (the indexer's, so queries are embedded as the chunks were);
 * - the model directory of the model registry the model routes read (the trainer's).
 *
 * Every problem is reported at once, with the variable it is in; token values never appear in
 * the messages.
 */
import { readFileSync } from 'node:fs';
import { exportDirSetting } from '../exporter/export-access.ts';
import { collectionSearchSettings } from '../indexer/search.ts';
import { schedulesSetting } from '../scheduler/schedule-control.ts';
import { modelDirSetting } from '../trainer/model-catalog.ts';
import {
  baseSettings,
  defineSettings,
  type ResolvedSettings,
  setting,
  type SettingProblem,
  type SettingsCheck,
} from '../lib/settings.ts';
import { ACCESS_LOG_MODES } from './access-log.ts';
import { compileValidator } from './validation.ts';
import { SCOPES, type ApiToken } from './auth.ts';

const validateTokens = compileValidator(
  {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        token: { type: 'string', minLength: 8, pattern: '^[\\x21-\\x7e]+$' },
        scopes: { type: 'array', items: { enum: [...SCOPES] }, minItems: 1, uniqueItems: true },
        name: { type: 'string', minLength: 1 },
      },
      required: ['token', 'scopes', 'name'],
      additionalProperties: false,
    },
  },
  'body',
);

const TOKENS_EXPECTED = 'a JSON array of {"token" (8+ printable characters), "scopes", "name"}';

/** The tokens in `text`, or undefined when it is not such a JSON array (the parser's message may quote a token). */
function parseTokens(text: string): readonly ApiToken[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return validateTokens(parsed) ? (parsed as ApiToken[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The tokens in the file at `path`, or undefined when it cannot be read or holds no such array. */
function readTokensFile(path: string): readonly ApiToken[] | undefined {
  try {
    return parseTokens(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export const gatewaySettings = defineSettings({
  ...baseSettings,
  host: setting.string('SEDANO_GATEWAY_HOST', { description: 'address the gateway listens on', default: '127.0.0.1' }),
  port: setting.integer('SEDANO_GATEWAY_PORT', {
    description: 'port the gateway listens on',
    default: 8080,
    minimum: 0,
    maximum: 65_535,
  }),
  apiTokens: setting.custom(
    'SEDANO_API_TOKENS',
    { expected: TOKENS_EXPECTED, parse: parseTokens },
    {
      description: 'the API tokens as JSON: `[{"token", "scopes": ["submit", "read", "admin"], "name"}]`',
      secret: true,
    },
  ),
  apiTokensFile: setting.custom(
    'SEDANO_API_TOKENS_FILE',
    { expected: `a readable file holding ${TOKENS_EXPECTED}`, parse: readTokensFile },
    { description: 'a file holding API tokens in the same JSON (with `SEDANO_API_TOKENS`: the tokens of both)' },
  ),
  redisTimeoutMs: setting.integer('SEDANO_GATEWAY_REDIS_TIMEOUT_MS', {
    description:
      'how long a request waits for Redis before it answers 503 `SEDANO_ERR_API_UNAVAILABLE` (Redis away or not answering)',
    default: 2_000,
    minimum: 1,
    maximum: 60_000,
  }),
  kafkaTimeoutMs: setting.integer('SEDANO_GATEWAY_KAFKA_TIMEOUT_MS', {
    description:
      "how long a request waits for Kafka (to confirm a write: a submission, a revocation, a replay; or to answer a read: a stage's lag) before it answers 503 `SEDANO_ERR_API_UNAVAILABLE`; a write may still take effect",
    default: 5_000,
    minimum: 1,
    maximum: 120_000,
  }),
  registryTimeoutMs: setting.integer('SEDANO_GATEWAY_REGISTRY_TIMEOUT_MS', {
    description:
      "how long a request waits for the schema registry (a subject's first registration, a schema's first lookup) before it answers 503 `SEDANO_ERR_API_UNAVAILABLE`",
    default: 5_000,
    minimum: 1,
    maximum: 120_000,
  }),
  accessLog: setting.oneOf('SEDANO_GATEWAY_ACCESS_LOG', ACCESS_LOG_MODES, {
    description:
      'which answered requests get an access line at info: `writes-and-errors` (submissions, revocations and other changes, every 4xx and 5xx; successful reads at debug) or `all`',
    default: 'writes-and-errors',
  }),
  jaegerUiUrl: setting.url('JAEGER_UI_URL', {
    description: "base URL of the Jaeger UI, for a link to each job's trace",
  }),
  schedules: schedulesSetting,
  exportDir: exportDirSetting,
  ...collectionSearchSettings,
  modelDir: modelDirSetting,
});

export type GatewaySettings = ResolvedSettings<typeof gatewaySettings>;

/** The tokens of both variables (resolved settings). */
export function apiTokensOf(settings: Partial<Pick<GatewaySettings, 'apiTokens' | 'apiTokensFile'>>): ApiToken[] {
  return [...(settings.apiTokens ?? []), ...(settings.apiTokensFile ?? [])];
}

/** At least one token, each value once (never a token value in a message). */
export const checkGatewaySettings: SettingsCheck<typeof gatewaySettings> = (settings, failed) => {
  const problems: SettingProblem[] = [];
  const given = settings.apiTokens !== undefined || settings.apiTokensFile !== undefined;
  if (!given && !failed.has('apiTokens') && !failed.has('apiTokensFile')) {
    problems.push({
      variable: 'SEDANO_API_TOKENS or SEDANO_API_TOKENS_FILE',
      expected: 'at least one API token (without one no route could be used)',
      given: '(unset)',
    });
  }
  const tokens = apiTokensOf(settings);
  const values = tokens.map((token) => token.token);
  const repeated = tokens.filter((token, i) => values.indexOf(token.token) !== i).map((token) => token.name);
  if (repeated.length > 0) {
    problems.push({
      variable: 'API tokens',
      expected: 'each token value once',
      given: `a value repeated (${repeated.join(', ')})`,
    });
  }
  return problems;
};
