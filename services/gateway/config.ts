/**
 * The gateway's configuration from the environment (pure apart from reading the tokens file):
 *
 * - `SEDANO_API_TOKENS`: JSON `[{ "token": "...", "scopes": ["submit", "read", "admin"], "name": "..." }]`,
 *   or `SEDANO_API_TOKENS_FILE`: a file holding the same JSON (both: the tokens of both);
 * - `SEDANO_GATEWAY_HOST` (default 127.0.0.1) and `SEDANO_GATEWAY_PORT` (default 8080);
 * - `JAEGER_UI_URL` (optional): base URL of the Jaeger UI, for a link to each job's trace;
 * - `JAEGER_QUERY_URL` (optional): base URL of Jaeger's query API, for the dashboard's trace timelines.
 *
 * Every problem is reported at once, with the variable it is in; token values never appear
 * in the messages.
 */
import { readFileSync } from 'node:fs';
import { compileValidator, fieldProblems } from './validation.ts';
import { SCOPES, type ApiToken } from './auth.ts';

export interface GatewayConfig {
  host: string;
  port: number;
  tokens: ApiToken[];
  /** Base URL of the Jaeger UI (no trailing slash), or undefined for no trace links. */
  jaegerUiUrl: string | undefined;
  /** Base URL of Jaeger's query API (no trailing slash), or undefined for no trace timelines. */
  jaegerQueryUrl: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

export class GatewayConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid gateway configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'GatewayConfigError';
    this.problems = problems;
  }
}

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

function given(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function parseTokens(source: string, text: string, problems: string[]): ApiToken[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message may quote the text, and so a token.
    problems.push(`${source}: not valid JSON`);
    return [];
  }
  if (!validateTokens(parsed)) {
    for (const problem of fieldProblems(validateTokens.errors ?? [], source)) {
      problems.push(`${source}${problem.path === '/' ? '' : problem.path}: ${problem.message}`);
    }
    return [];
  }
  return parsed as ApiToken[];
}

/** Reads and checks the configuration; throws a GatewayConfigError listing every problem. */
export function resolveGatewayConfig(
  env: Environment = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): GatewayConfig {
  const problems: string[] = [];
  const tokens: ApiToken[] = [];
  const inline = given(env, 'SEDANO_API_TOKENS');
  if (inline !== undefined) tokens.push(...parseTokens('SEDANO_API_TOKENS', inline, problems));
  const file = given(env, 'SEDANO_API_TOKENS_FILE');
  if (file !== undefined) {
    let text: string | undefined;
    try {
      text = readFile(file);
    } catch (error) {
      problems.push(`SEDANO_API_TOKENS_FILE: cannot read ${file}: ${(error as Error).message}`);
    }
    if (text !== undefined) tokens.push(...parseTokens(`SEDANO_API_TOKENS_FILE (${file})`, text, problems));
  }
  if (inline === undefined && file === undefined) {
    problems.push('SEDANO_API_TOKENS or SEDANO_API_TOKENS_FILE: no API token is configured, so no route could be used');
  }
  const values = tokens.map((token) => token.token);
  const repeated = tokens.filter((token, i) => values.indexOf(token.token) !== i).map((token) => token.name);
  if (repeated.length > 0) problems.push(`API tokens: the same token value is given twice (${repeated.join(', ')})`);

  const portText = given(env, 'SEDANO_GATEWAY_PORT') ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    problems.push(`SEDANO_GATEWAY_PORT: expected a port number 0 to 65535, got "${portText}"`);
  }
  const jaegerUiUrl = given(env, 'JAEGER_UI_URL');
  if (jaegerUiUrl !== undefined && !URL.canParse(jaegerUiUrl)) {
    problems.push(`JAEGER_UI_URL: not a URL: "${jaegerUiUrl}"`);
  }
  const jaegerQueryUrl = given(env, 'JAEGER_QUERY_URL');
  if (jaegerQueryUrl !== undefined && !URL.canParse(jaegerQueryUrl)) {
    problems.push(`JAEGER_QUERY_URL: not a URL: "${jaegerQueryUrl}"`);
  }
  if (problems.length > 0) throw new GatewayConfigError(problems);
  return {
    host: given(env, 'SEDANO_GATEWAY_HOST') ?? '127.0.0.1',
    port,
    tokens,
    jaegerUiUrl: jaegerUiUrl?.replace(/\/+$/, ''),
    jaegerQueryUrl: jaegerQueryUrl?.replace(/\/+$/, ''),
  };
}
