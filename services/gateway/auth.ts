/**
 * Bearer-token authentication with scopes (pure). Tokens come from the configuration; each
 * has a name (what the logs and the job's `submitter` show, never the token) and scopes:
 * `submit` (submit and revoke jobs), `read` (jobs, batches, stages, metrics), `admin`
 * (pause and resume stages, dead letters). A route names the one scope it needs.
 */
import { timingSafeEqual } from 'node:crypto';
import { apiError } from './errors.ts';

export const SCOPES = ['submit', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiToken {
  token: string;
  scopes: Scope[];
  /** Who holds the token, e.g. `rag-api`; logged and used as the submitter of its jobs. */
  name: string;
}

/** Who made a request: the token's name and scopes, without the token. */
export interface Principal {
  name: string;
  scopes: readonly Scope[];
}

export interface Authenticator {
  /** The principal of an `Authorization` header; throws a coded 401 or 403 (SEDANO_ERR_API_UNAUTHORIZED, _FORBIDDEN). */
  authorize(authorization: string | undefined, scope: Scope): Principal;
}

export function createAuthenticator(tokens: readonly ApiToken[]): Authenticator {
  const known = tokens.map((token) => ({
    bytes: Buffer.from(token.token, 'utf8'),
    principal: { name: token.name, scopes: [...token.scopes] },
  }));
  return {
    authorize(authorization, scope) {
      const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
      if (!match?.[1]) {
        // Worded so that the reply's redaction (services/lib/redaction.ts: "Bearer" and the word after it) leaves it whole.
        throw apiError(
          'SEDANO_ERR_API_UNAUTHORIZED',
          'an API token is required (the header "Authorization: Bearer" followed by the token)',
        );
      }
      const presented = Buffer.from(match[1], 'utf8');
      let principal: Principal | undefined;
      for (const candidate of known) {
        // Constant time, whatever the token: a known token of the presented length is compared
        // with it byte for byte; one of another length is not compared at all, the presented
        // token is compared with itself instead (the same work) and the match refused. Every
        // known token is tried. No hash per request (this runs on every API request).
        const sameLength = candidate.bytes.length === presented.length;
        const equal = timingSafeEqual(sameLength ? candidate.bytes : presented, presented);
        if (equal && sameLength) principal = candidate.principal;
      }
      if (!principal) throw apiError('SEDANO_ERR_API_UNAUTHORIZED', 'the API token is not known');
      if (!principal.scopes.includes(scope)) {
        throw apiError(
          'SEDANO_ERR_API_FORBIDDEN',
          `this route needs the "${scope}" scope; the token of ${principal.name} has ${principal.scopes.join(', ')}`,
        );
      }
      return principal;
    },
  };
}
