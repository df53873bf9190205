/**
 * Credentials out of what sedano logs or shows (pure). The gateway accepts a token only in the
 * `Authorization` header, but a client may still send one elsewhere (`?access_token=`,
 * `?token=`, `?authorization=Bearer …`, a cookie); whatever the route and whatever the answer,
 * every URL, header set and error message the gateway logs passes through here first. A job's
 * payload preview (payload-preview.ts) does too: its fields and the URLs in it.
 */
import { stdSerializers } from 'pino';

export const REDACTED = '[REDACTED]';

/** Parts of a name (compared without case, `-`, `_` and spaces) that make its value a credential. */
const CREDENTIAL_WORDS = [
  'password',
  'passwd',
  'secret',
  'token',
  'credential',
  'apikey',
  'privatekey',
  'authorization',
  'signature',
];

/** Whole names that do: `key` and `auth` alone, and `sig` (an Azure SAS URL's signature). */
const CREDENTIAL_NAMES = new Set(['key', 'auth', 'sig']);

/** Headers that carry a credential. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/**
 * Whether a query parameter, header-like or payload field name carries a credential:
 * `access_token`, `X-Amz-Signature`, `dbPassword`, `api-key`, `key`.
 */
export function isCredentialName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_\s]/g, '');
  return CREDENTIAL_NAMES.has(normalized) || CREDENTIAL_WORDS.some((word) => normalized.includes(word));
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

/** A URL (or request target) with every credential-carrying query parameter's value replaced. */
export function redactUrl(url: string): string {
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
 * password (`https://user:pass@host`) and credential query parameters replaced.
 */
export function redactText(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi, `$1${REDACTED}@`)
    .replace(/\b(Bearer|Basic)(\s+|%20)[^\s'",;&]+/gi, `$1$2${REDACTED}`)
    .replace(/([?&])([^=&\s'"#]+)=([^&\s'"#]*)/g, (match, sep: string, name: string) =>
      isSecretParam(name) ? `${sep}${name}=${REDACTED}` : match,
    );
}

interface LoggedRequest {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * The pino serializers of the gateway's log: `req` (the access line, access-log.ts) with its URL
 * redacted, `err` with its message and stack redacted.
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
    return serialized;
  },
};
