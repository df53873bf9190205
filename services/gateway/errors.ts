/**
 * Errors → HTTP replies (pure). Every 4xx and 5xx body is
 * `{ "error": { "code", "message", "details"?, "requestId" } }` with a code of ERROR_CODES;
 * validation errors list each bad field's path in `details`. Bad input of any kind (malformed
 * JSON, wrong types, unknown fields, oversize bodies, bad ids) is a 4xx, never a 5xx; an
 * outage of Kafka, the registry or Redis is a 503; anything else is a 500 whose message
 * says no more than to look in the log under the request id.
 */
import type { ErrorObject } from 'ajv';
import { type ErrorCode, isSedanoError, SedanoError } from '../lib/errors.ts';
import { type FieldProblem, fieldProblems } from './validation.ts';

/** An error meant for the API client, with its HTTP status. */
export class ApiError extends SedanoError {
  readonly statusCode: number;
  readonly details: readonly unknown[] | undefined;
  constructor(statusCode: number, code: ErrorCode, message: string, details?: readonly unknown[]) {
    super(code, message, { retriable: statusCode === 503 });
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.details = details;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: readonly unknown[]; requestId: string };
}

export interface ErrorReply {
  statusCode: number;
  body: ErrorBody;
  /** True when the error is the gateway's fault (logged as an error, not a warning). */
  serverFault: boolean;
}

/** The JSON schema of every error body, for the OpenAPI description. */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: "A code of README.md's error table." },
        message: { type: 'string' },
        details: { type: 'array', description: 'For validation errors: each bad field, `{ in, path, message }`.' },
        requestId: { type: 'string' },
      },
      required: ['code', 'message', 'requestId'],
    },
  },
  required: ['error'],
} as const;

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  validation?: ErrorObject[];
  validationContext?: string;
  message?: string;
  name?: string;
}

/** Client errors that fastify raises itself, by its code. */
const FASTIFY_CODES: Record<string, [number, ErrorCode]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'SEDANO_ERR_API_MALFORMED_JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'SEDANO_ERR_API_MALFORMED_JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'SEDANO_ERR_API_PAYLOAD_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'SEDANO_ERR_API_BAD_REQUEST'],
  FST_ERR_BAD_URL: [400, 'SEDANO_ERR_API_BAD_REQUEST'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'SEDANO_ERR_API_BAD_REQUEST'],
  FST_ERR_NOT_FOUND: [404, 'SEDANO_ERR_API_NOT_FOUND'],
};

/** Error names and codes of the Kafka, Redis and registry clients when their server is out of reach. */
function isOutage(error: FastifyLikeError): boolean {
  if (isSedanoError(error) && (error.code === 'SEDANO_ERR_REGISTRY_UNAVAILABLE' || error.retriable)) return true;
  const name = error.name ?? '';
  const code = typeof error.code === 'string' ? error.code : '';
  return (
    /^Kafka/.test(name) ||
    name === 'MaxRetriesPerRequestError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code) ||
    /Connection is closed|connect ECONNREFUSED/.test(error.message ?? '')
  );
}

/** The reply for an error thrown while handling a request. */
export function errorReply(thrown: unknown, requestId: string): ErrorReply {
  const reply = (statusCode: number, code: ErrorCode, message: string, details?: readonly unknown[]): ErrorReply => ({
    statusCode,
    body: { error: { code, message, ...(details === undefined ? {} : { details }), requestId } },
    serverFault: statusCode >= 500,
  });
  if (thrown instanceof ApiError) return reply(thrown.statusCode, thrown.code, thrown.message, thrown.details);
  const error = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as FastifyLikeError;
  if (Array.isArray(error.validation)) {
    const part = error.validationContext ?? 'body';
    const details: FieldProblem[] = fieldProblems(error.validation, part);
    const summary = details.map((problem) => `${problem.in} ${problem.path}: ${problem.message}`).join('; ');
    return reply(400, 'SEDANO_ERR_API_VALIDATION', `invalid request: ${summary}`, details);
  }
  const known = typeof error.code === 'string' ? FASTIFY_CODES[error.code] : undefined;
  if (known) return reply(known[0], known[1], error.message ?? 'bad request');
  if (isSedanoError(error) && error.code === 'SEDANO_ERR_CODEC_INVALID_RECORD') {
    return reply(400, 'SEDANO_ERR_API_VALIDATION', error.message);
  }
  if (isOutage(error)) {
    return reply(503, 'SEDANO_ERR_API_UNAVAILABLE', `a backing service did not answer: ${error.message ?? 'unknown'}`);
  }
  const status =
    typeof (error as FastifyLikeError).statusCode === 'number' ? Number((error as FastifyLikeError).statusCode) : 500;
  if (status >= 400 && status < 500) {
    // JSON.parse's SyntaxError reaches here with status 400, as does a prototype-poisoning body.
    const code = error.name === 'SyntaxError' ? 'SEDANO_ERR_API_MALFORMED_JSON' : 'SEDANO_ERR_API_BAD_REQUEST';
    return reply(status, status === 404 ? 'SEDANO_ERR_API_NOT_FOUND' : code, error.message ?? 'bad request');
  }
  return reply(500, 'SEDANO_ERR_API_INTERNAL', `internal error; the gateway's log has it under request ${requestId}`);
}
