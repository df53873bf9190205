/**
 * Credentials out of what sedano logs or shows (pure). The gateway accepts a token only in the
 * `Authorization` header, but a client may still send one elsewhere (`?access_token=`,
 * `?token=`, `?authorization=Bearer …`, a cookie); whatever the route and whatever the answer,
 * every URL, header set and error message the gateway logs passes through here first. A job's
 * payload preview (payload-preview.ts) does too: its fields and the URLs in it.
 */
import { stdSerializers } from 'pino';

export const REDACTED = '[REDACTED]';

/** Words that make a name's value a credential wherever they stand: `dbPassword`, `X-Amz-Signature`. */
const CREDENTIAL_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'credentials',
  'signature',
  'authorization',
  'cookie',
]);

/** Two words that do together: `apiKey`, `sshPrivateKey`, `AccountKey` (an `idempotencyKey` does not). */
const CREDENTIAL_PAIRS = new Set(['apikey', 'privatekey', 'accesskey', 'accountkey', 'sshkey', 'signingkey']);

/** Whole names that do: `key`, `auth`, `pass` and `sig` alone; the pairs above written as one word. */
const CREDENTIAL_NAMES = new Set(['key', 'auth', 'pass', 'sig', 'accesstoken', ...CREDENTIAL_PAIRS]);

/** Headers that carry a credential. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** A name's words, lower case: split at `-`, `_`, `.`, spaces and camel case (`X-Amz-Signature`, `maxTokens`). */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[-_.\s]+/)
    .filter((word) => word !== '');
}

/**
 * Whether a query parameter or a payload field's name says its value is a credential, by its
 * words rather than its letters, so that `maxTokens`, `tokenizer` and `idempotencyKey` stay shown:
 * `access_token`, `X-Amz-Signature`, `dbPassword`, `api-key`, `AccountKey`, `key`.
 */
export function isCredentialName(name: string): boolean {
  if (name.length > MAX_REMEMBERED_NAME_LENGTH) return judgeName(name);
  let verdict = verdictsByName.get(name);
  if (verdict === undefined) {
    verdict = judgeName(name);
    if (verdictsByName.size >= MAX_REMEMBERED_NAMES) verdictsByName.clear();
    verdictsByName.set(name, verdict);
  }
  return verdict;
}

/**
 * isCredentialName's verdicts, by name. A payload preview judges every field name of every job
 * twice (its PENDING event, its worker's first event), and a job's names are its schema's, the
 * same on every job: splitting a name into words took about 0.85 µs, and a noop job's preview
 * 4.5 µs (docs/benchmarks.md, "Payload previews judged once per field name"). Bounded, since a
 * map's keys are the sender's.
 */
const verdictsByName = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 4096;
const MAX_REMEMBERED_NAME_LENGTH = 64;

function judgeName(name: string): boolean {
  const words = wordsOf(name);
  if (CREDENTIAL_NAMES.has(words.join(''))) return true;
  return words.some(
    (word, i) => CREDENTIAL_WORDS.has(word) || (i > 0 && CREDENTIAL_PAIRS.has(`${words[i - 1]}${word}`)),
  );
}

function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // A malformed escape is compared as written.
  }
  return isCredentialName(decoded);
}

/**
 * A URL (or request target) with every credential-carrying query parameter's value replaced,
 * and the credentials `redactText` finds once it is percent-decoded (a user and password or a
 * bearer token sent escaped in a path or a value: `/v1/exports/https%3A%2F%2Fuser%3Apass%40host`):
 * such a URL is given decoded, redacted.
 */
export function redactUrl(url: string): string {
  const named = redactParams(url);
  let decoded: string;
  try {
    decoded = decodeURIComponent(named);
  } catch {
    return named; // A malformed escape: the router refuses it; the parameters were redacted as written.
  }
  const redacted = redactText(decoded);
  return redacted === decoded ? named : redacted;
}

/** A URL with every credential-carrying query parameter's value replaced. */
function redactParams(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const fragment = url.indexOf('#', query);
  const end = fragment === -1 ? url.length : fragment;
  const params = url
    .slice(query + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      return isSecretParam(name) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, query + 1)}${params.join('&')}${url.slice(end)}`;
}

/** Headers with the credential-carrying ones' values replaced. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value]),
  );
}

/**
 * Free text (an error message, a stack, a payload's string) with bearer tokens, a URL's user and
 * password (`https://user:pass@host`) and every `name=value` whose name is a credential's
 * replaced: a query or fragment parameter, a connection string's `AccountKey=…;`, `password="…"`.
 */
export function redactText(text: string): string {
  return (
    text
      // Not `\b` before the scheme: a run of `a.a.a.…` is then tried from every letter (quadratic).
      .replace(/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi, `$1${REDACTED}@`)
      .replace(/\b(Bearer|Basic)(\s+|%20)[^\s'",;&]+/gi, `$1$2${REDACTED}`)
      .replace(/(^|[?&#;\s])([^=&\s'"#;?/]+)=("[^"]*"|[^&\s'"#;]*)/g, (match, sep: string, name: string) =>
        isSecretParam(name) ? `${sep}${name}=${REDACTED}` : match,
      )
  );
}

/** A value with every string in it passed through `map`, through arrays and plain objects, other values as they are (pure). */
export function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, map)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, mapStrings(item, map)])) as T;
  }
  return value;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Redis commands whose arguments hold a password: `AUTH user password`, `HELLO 3 AUTH user password`. */
const REDIS_CREDENTIAL_COMMANDS = new Set(['auth', 'hello', 'migrate']);

/**
 * A serialized error, and the errors pino serialized inside it (`originalError`, say), with the
 * arguments of a Redis command that carries a password redacted: ioredis puts the command a
 * reply refused on its error (`command: { name: 'auth', args: [user, password] }`), and a worker
 * given a wrong Redis password logged it (redis-security.test.ts).
 */
function redactRedisCommand(serialized: Record<string, unknown>, depth = 0): void {
  const command = serialized['command'] as { name?: unknown } | undefined;
  if (typeof command?.name === 'string' && REDIS_CREDENTIAL_COMMANDS.has(command.name.toLowerCase())) {
    // A copy: pino's serialized error holds the original's other fields by reference.
    serialized['command'] = { ...command, args: REDACTED };
  }
  if (depth >= 8) return;
  for (const value of Object.values(serialized)) {
    // pino serializes an error inside an error into a new object of the same shape.
    if (typeof value === 'object' && value !== null && typeof (value as { stack?: unknown }).stack === 'string') {
      redactRedisCommand(value as Record<string, unknown>, depth + 1);
    }
  }
}

/**
 * The pino serializers of the gateway's log: `req` (the access line, access-log.ts) with its URL
 * redacted, `err` with its message and stack redacted, and a Redis command's password.
 */
export const redactingSerializers = {
  req(request: LoggedRequest) {
    return {
      method: request.method,
      url: redactUrl(request.url ?? ''),
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    };
  },
  err(error: Error) {
    const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
    for (const field of ['message', 'stack', 'url']) {
      if (typeof serialized[field] === 'string') serialized[field] = redactText(serialized[field]);
    }
    if (typeof serialized['headers'] === 'object' && serialized['headers'] !== null) {
      serialized['headers'] = redactHeaders(serialized['headers'] as Record<string, unknown>);
    }
    redactRedisCommand(serialized);
    return serialized;
  },
};
