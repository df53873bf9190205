/**
 * Errors → HTTP replies (pure). Every 4xx and 5xx body is
 * `{ "error": { "code", "message", "details"?, "requestId" } }` with a code of ERROR_TABLE, and
 * its status is the one the table gives that code: the gateway maps errors to answers by code,
 * never by class. Errors fastify and Node raise themselves (no sedano code) are first given
 * one (`FRAMEWORK_CODES`, `CLIENT_ERROR_CODES`); validation errors list each bad field's path
 * in `details`. Bad input of any kind is a 4xx, never a 5xx; an outage of Kafka, the registry
 * or Redis is a 503; anything else is a 500 whose message says no more than to look in the log
 * under the request id. fastify's own messages are replaced by ones that say what to send
 * instead (the body limit, the media type), and a path is never echoed whole (`shortened`).
 */
import type { ErrorObject } from 'ajv';
import { ERROR_TABLE, type ErrorCode, isSedanoError, SedanoError } from '../lib/errors.ts';
import { redactText } from '../lib/redaction.ts';
import { type FieldProblem, fieldProblems } from './validation.ts';

/** An error meant for the API client: a SedanoError whose status is its code's (kept for the route modules' readability). */
export function apiError(code: ErrorCode, message: string, details?: readonly unknown[]): SedanoError {
  return new SedanoError(code, message, details === undefined ? {} : { details });
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

/** The JSON schema of an error body whose code is one of `codes`, for the OpenAPI description. */
export function errorBodySchema(codes?: readonly ErrorCode[]) {
  return {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: {
            type: 'string',
            description: "A code of README.md's error table.",
            ...(codes === undefined ? {} : { enum: [...codes] }),
          },
          message: { type: 'string' },
          details: { type: 'array', description: 'For validation errors: each bad field, `{ in, path, message }`.' },
          requestId: { type: 'string' },
        },
        required: ['code', 'message', 'requestId'],
      },
    },
    required: ['error'],
  } as const;
}

/** The JSON schema of every error body. */
export const ERROR_BODY_SCHEMA = errorBodySchema();

/** At most this many characters of a value the client sent (a path, an id, a header) are quoted back. */
export const QUOTED_CHARACTERS = 64;

/**
 * `value` quoted for an error message (pure): whole up to QUOTED_CHARACTERS, otherwise cut there
 * with an ellipsis and its length, so a 16 KB path parameter is not sent back in full.
 */
export function shortened(value: string, max = QUOTED_CHARACTERS): string {
  const head = JSON.stringify(value.slice(0, max));
  return value.length <= max ? head : `${head.slice(0, -1)}…" (${value.length} characters)`;
}

/** What the request tells about the limits an error broke (app.ts gives what it knows). */
export interface ErrorContext {
  /** The route's largest request body, in bytes. */
  bodyLimitBytes?: number;
  /** The request's `Content-Type` header. */
  contentType?: string | undefined;
  /** The longest path parameter the router accepts, in characters. */
  maxParamLength?: number;
}

const KIB = 1_024;
const MIB = 1_048_576;

/** `1 MiB, 1048576 bytes`, `64 KiB, 65536 bytes` or `1500 bytes` (pure). */
function sizeText(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB, ${bytes} bytes`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB, ${bytes} bytes`;
  return `${bytes} bytes`;
}

/** The path fastify's router quotes in its message (`'<path>' is …`), or undefined. */
function quotedPath(message: string | undefined): string | undefined {
  return /^'([\s\S]*)' is /.exec(message ?? '')?.[1];
}

/**
 * The message of an error fastify raised itself (pure), saying what the client should send
 * instead; undefined for any other error (its own message stands).
 */
function frameworkMessage(error: FastifyLikeError, code: ErrorCode, context: ErrorContext): string | undefined {
  if (isSedanoError(error)) return undefined;
  if (code === 'SEDANO_ERR_API_PAYLOAD_TOO_LARGE') {
    const limit = context.bodyLimitBytes === undefined ? '' : ` (${sizeText(context.bodyLimitBytes)})`;
    return `the request body is larger than the gateway accepts${limit}; large content travels by reference`;
  }
  if (code === 'SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE') {
    const type = context.contentType?.trim() ?? '';
    if (type === '') return 'the request body has no Content-Type: send it as application/json';
    return `the request body's Content-Type ${shortened(type)} is not accepted: send it as application/json`;
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const path = quotedPath(error.message);
    const limit = context.maxParamLength === undefined ? '' : ` the ${context.maxParamLength} characters`;
    return `a path parameter is longer than${limit} the gateway accepts${path === undefined ? '' : `: ${shortened(path)}`}`;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    const path = quotedPath(error.message);
    return `the path is not a valid URL (a malformed percent-encoding)${path === undefined ? '' : `: ${shortened(path)}`}`;
  }
  return undefined;
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  validation?: ErrorObject[];
  validationContext?: string;
  message?: string;
  name?: string;
}

/** Client errors that fastify raises itself, by its code. */
export const FRAMEWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'SEDANO_ERR_API_MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'SEDANO_ERR_API_MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'SEDANO_ERR_API_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'SEDANO_ERR_API_BAD_REQUEST',
  FST_ERR_BAD_URL: 'SEDANO_ERR_API_BAD_REQUEST',
  FST_ERR_ASYNC_CONSTRAINT: 'SEDANO_ERR_API_BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'SEDANO_ERR_API_URI_TOO_LONG',
  FST_ERR_NOT_FOUND: 'SEDANO_ERR_API_NOT_FOUND',
};

/** Node HTTP parser errors (`clientError`), by their code; anything else from the parser is a 400. */
export const CLIENT_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'SEDANO_ERR_API_HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'SEDANO_ERR_API_REQUEST_TIMEOUT',
  HPE_INVALID_CONTENT_LENGTH: 'SEDANO_ERR_API_BAD_REQUEST',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'SEDANO_ERR_API_BAD_REQUEST',
  HPE_INVALID_CHUNK_SIZE: 'SEDANO_ERR_API_BAD_REQUEST',
  HPE_INVALID_TRANSFER_ENCODING: 'SEDANO_ERR_API_BAD_REQUEST',
};

/** Error names and codes of the Kafka, Redis and registry clients when their server is out of reach. */
function isOutage(error: FastifyLikeError): boolean {
  const name = error.name ?? '';
  const code = typeof error.code === 'string' ? error.code : '';
  return (
    /^Kafka/.test(name) ||
    name === 'MaxRetriesPerRequestError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code) ||
    // ioredis's: the connection is gone, or a command went unanswered for its `commandTimeout`.
    /Connection is closed|connect ECONNREFUSED|^Command timed out$/.test(error.message ?? '')
  );
}

/** Codes of other areas that reach the gateway and have an API code of their own. */
const API_CODE_OF: Partial<Record<ErrorCode, ErrorCode>> = {
  // A submission the codec refuses is a validation failure of the request.
  SEDANO_ERR_CODEC_INVALID_RECORD: 'SEDANO_ERR_API_VALIDATION',
  SEDANO_ERR_CODEC_OVERSIZE: 'SEDANO_ERR_API_PAYLOAD_TOO_LARGE',
  SEDANO_ERR_REGISTRY_UNAVAILABLE: 'SEDANO_ERR_API_UNAVAILABLE',
};

/** The sedano code of a thrown value, or undefined if it has none (an unexpected error). */
function codeOf(error: FastifyLikeError): ErrorCode | undefined {
  if (isSedanoError(error)) {
    if (error.retriable && ERROR_TABLE[error.code].status < 500) return 'SEDANO_ERR_API_UNAVAILABLE';
    return API_CODE_OF[error.code] ?? error.code;
  }
  if (typeof error.code === 'string' && FRAMEWORK_CODES[error.code] !== undefined) return FRAMEWORK_CODES[error.code];
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  // Before the outage check: a request body the client broke off (a bad chunk, a short body)
  // reaches here as ECONNRESET with status 400, and is the client's fault, not an outage.
  if (status < 400 || status >= 500) {
    if (isOutage(error)) return 'SEDANO_ERR_API_UNAVAILABLE';
    return undefined;
  }
  if (status === 404) return 'SEDANO_ERR_API_NOT_FOUND';
  if (status === 413) return 'SEDANO_ERR_API_PAYLOAD_TOO_LARGE';
  if (status === 415) return 'SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE';
  // JSON.parse's SyntaxError reaches here with status 400, as does a prototype-poisoning body.
  return error.name === 'SyntaxError' ? 'SEDANO_ERR_API_MALFORMED_JSON' : 'SEDANO_ERR_API_BAD_REQUEST';
}

/** The reply for an error thrown while handling a request; `context` names the limits it broke. */
export function errorReply(thrown: unknown, requestId: string, context: ErrorContext = {}): ErrorReply {
  const reply = (code: ErrorCode, message: string, details?: readonly unknown[]): ErrorReply => {
    const statusCode = ERROR_TABLE[code].status;
    return {
      statusCode,
      body: { error: { code, message: redactText(message), ...(details === undefined ? {} : { details }), requestId } },
      serverFault: statusCode >= 500,
    };
  };
  const error = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as FastifyLikeError;
  if (Array.isArray(error.validation)) {
    const part = error.validationContext ?? 'body';
    const details: FieldProblem[] = fieldProblems(error.validation, part);
    const summary = details.map((problem) => `${problem.in} ${problem.path}: ${problem.message}`).join('; ');
    return reply('SEDANO_ERR_API_VALIDATION', `invalid request: ${summary}`, details);
  }
  const code = codeOf(error);
  if (code === undefined || code === 'SEDANO_ERR_API_INTERNAL') {
    return reply('SEDANO_ERR_API_INTERNAL', `internal error; the gateway's log has it under request ${requestId}`);
  }
  const message = frameworkMessage(error, code, context) ?? error.message ?? ERROR_TABLE[code].message;
  if (code === 'SEDANO_ERR_API_UNAVAILABLE' && !(isSedanoError(error) && error.code === code)) {
    return reply(code, `a backing service did not answer: ${message}`);
  }
  return reply(code, message, isSedanoError(error) ? error.details : undefined);
}

/** The reply for an error of Node's HTTP parser (a request fastify never saw), by its parser code. */
export function clientErrorReply(
  error: { code?: unknown; reason?: unknown; message?: string },
  requestId: string,
): ErrorReply {
  const code = (typeof error.code === 'string' && CLIENT_ERROR_CODES[error.code]) || 'SEDANO_ERR_API_BAD_REQUEST';
  // llhttp's reasons are fixed phrases ("Invalid character in chunk size"), never the request's bytes.
  const reason = typeof error.reason === 'string' ? `: ${error.reason}` : '';
  const parserCode = typeof error.code === 'string' ? ` (${error.code})` : '';
  return {
    statusCode: ERROR_TABLE[code].status,
    body: { error: { code, message: `the HTTP request could not be parsed${reason}${parserCode}`, requestId } },
    serverFault: false,
  };
}
