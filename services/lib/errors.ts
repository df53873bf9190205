/**
 * sedano's errors: one table of codes (in the spirit of fastify's `lib/errors.js`) and one
 * base class. Each code has the HTTP status an API answers it with, whether trying again
 * later may succeed, and its meaning (the README's error table is checked against this one,
 * and so is the OpenAPI document). Errors are thrown where the problem is found, with their
 * code; they are recognised by that code (`isSedanoError`), not only by `instanceof`,
 * because they cross worker threads and process boundaries.
 */

/** What a code means: its HTTP status, whether it is retriable, and its meaning for the person who sees it. */
export interface ErrorCodeSpec {
  /** The HTTP status of an API answer carrying this code (4xx: the client's fault, 5xx: the server's). */
  readonly status: number;
  /** True if trying again later may succeed (an outage), false if it never will (bad input). */
  readonly retriable: boolean;
  /** What the code means; an error's own message says what happened this time. */
  readonly message: string;
}

/** The closed table of error codes. */
export const ERROR_TABLE = {
  SEDANO_ERR_CODEC_NOT_FRAMED: {
    status: 400,
    retriable: false,
    message:
      'The message is not in Confluent wire format (magic byte 0 + 4-byte schema id + Avro body), or has no value.',
  },
  SEDANO_ERR_CODEC_UNKNOWN_SCHEMA: {
    status: 400,
    retriable: false,
    message:
      'The schema id in the message is not known to the schema registry: it answered 404 for 3 s (60 s within 5 minutes of a failed call, as a registry that restarts serves before it has loaded its schemas).',
  },
  SEDANO_ERR_CODEC_WRONG_SCHEMA: {
    status: 400,
    retriable: false,
    message: 'The message was written with a schema of another record type, or one this reader cannot resolve.',
  },
  SEDANO_ERR_CODEC_TRUNCATED: {
    status: 400,
    retriable: false,
    message: 'The Avro body ends before the record does.',
  },
  SEDANO_ERR_CODEC_CORRUPT: {
    status: 400,
    retriable: false,
    message: 'The Avro body does not decode as its schema says (e.g. trailing bytes, bad lengths).',
  },
  SEDANO_ERR_CODEC_INVALID_RECORD: {
    status: 400,
    retriable: false,
    message:
      'The record does not satisfy its contract (a missing or mistyped field, a malformed uuid); the message names each field.',
  },
  SEDANO_ERR_CODEC_OVERSIZE: {
    status: 413,
    retriable: false,
    message: 'The message is larger than the consumer accepts; large content travels by reference.',
  },
  SEDANO_ERR_CODEC_UNKNOWN_SYMBOL: {
    status: 400,
    retriable: false,
    message:
      'The record carries an enum symbol the reader does not know and the reader has no default for; the reason names the symbol.',
  },
  SEDANO_ERR_REGISTRY_INCOMPATIBLE: {
    status: 500,
    retriable: false,
    message: "The schema registry refused a schema because it breaks the subject's compatibility level.",
  },
  SEDANO_ERR_REGISTRY_UNAVAILABLE: {
    status: 503,
    retriable: true,
    message: 'The schema registry could not be reached or answered with an error.',
  },
  SEDANO_ERR_CONFIG_INVALID: {
    status: 500,
    retriable: false,
    message:
      'A service was started with settings it cannot use; every bad variable is printed with what was expected and what was given, and the service exits with code 2.',
  },
  SEDANO_ERR_JOB_FAILED: {
    status: 500,
    retriable: false,
    message: "The job's handler failed; the error message says why, and `retriable` whether it is tried again.",
  },
  SEDANO_ERR_JOB_REVOKED: {
    status: 409,
    retriable: false,
    message: 'The job was revoked (cancelled) before it started or while it ran.',
  },
  SEDANO_ERR_JOB_EXPIRED: {
    status: 410,
    retriable: false,
    message:
      "The job's `expiresAt` passed before an attempt could start (Celery's expires): it ended REVOKED without running again.",
  },
  SEDANO_ERR_JOB_TIME_LIMIT: {
    status: 504,
    retriable: false,
    message:
      "The attempt ran past its time limit: the soft limit aborted the handler's signal, the hard limit failed the attempt.",
  },
  SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED: {
    status: 500,
    retriable: false,
    message:
      'Every attempt the retry policy allows failed; the last error is in the message and the job is in the dead-letter topic.',
  },
  SEDANO_ERR_JOB_INVALID_REQUEST: {
    status: 400,
    retriable: false,
    message:
      "The job's request breaks a rule of its stage (e.g. a negative duration, an overlap not below the chunk size); each bad field's path is named.",
  },
  SEDANO_ERR_JOB_TYPE_MISMATCH: {
    status: 400,
    retriable: false,
    message:
      "The header's job type is not its topic's (e.g. `INDEX_DOCUMENTS` on a noop lane): the record is dead-lettered and never runs.",
  },
  SEDANO_ERR_JOB_RESULT_INVALID: {
    status: 500,
    retriable: false,
    message:
      "The handler's result does not satisfy its stage's result contract, so no SUCCESS could be reported: the job failed (each bad field named) and is in the dead-letter topic.",
  },
  SEDANO_ERR_JOB_RESULT_TOO_LARGE: {
    status: 500,
    retriable: false,
    message:
      "The handler's result makes a status event larger than the status topic accepts (8 MiB): the job failed and is in the dead-letter topic; large output belongs in storage, referenced by the result.",
  },
  SEDANO_ERR_WORKER_SHUTDOWN: {
    status: 503,
    retriable: true,
    message: 'The worker shut down while the attempt ran; the job was not committed and runs again on the next worker.',
  },
  SEDANO_ERR_STAGE_OPTIONS_INVALID: {
    status: 500,
    retriable: false,
    message:
      'A stage was declared with invalid options (a concurrency below 1, a negative duration, an unknown option); the message names each.',
  },
  SEDANO_ERR_DOCUMENT_NOT_FOUND: {
    status: 404,
    retriable: false,
    message: 'The document does not exist at its resolved path, or is not a regular file.',
  },
  SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL: {
    status: 400,
    retriable: false,
    message:
      'The document reference climbs out of its document root with `..`; references stay inside the configured roots.',
  },
  SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT: {
    status: 400,
    retriable: false,
    message: 'The document reference is an absolute path or file: URI outside every configured document root.',
  },
  SEDANO_ERR_DOCUMENT_SYMLINK_ESCAPE: {
    status: 400,
    retriable: false,
    message: 'The document path is inside a document root, but a symbolic link on it leads outside every root.',
  },
  SEDANO_ERR_DOCUMENT_UNSUPPORTED: {
    status: 415,
    retriable: false,
    message:
      'The document format or URI scheme is not supported (formats: PDF, DOCX, XLSX, CSV, Markdown, HTML, plain text; references: paths and file: URIs).',
  },
  SEDANO_ERR_DOCUMENT_CORRUPT: {
    status: 422,
    retriable: false,
    message:
      'The document could not be parsed as its format (damaged, truncated or mislabelled); the message says why.',
  },
  SEDANO_ERR_DOCUMENT_TOO_LARGE: {
    status: 413,
    retriable: false,
    message: 'The document exceeds a per-document limit (file bytes, PDF pages or sheet cells); the message names it.',
  },
  SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB: {
    status: 413,
    retriable: false,
    message:
      'The DOCX/XLSX archive exceeds a decompression limit (total uncompressed bytes, compression ratio or entry count).',
  },
  SEDANO_ERR_DOCUMENT_UNREADABLE: {
    status: 422,
    retriable: false,
    message:
      'The document could not be read (no permission, a name too long, a directory); the message gives the reference relative to its root.',
  },
  SEDANO_ERR_EMBEDDER_UNAVAILABLE: {
    status: 503,
    retriable: true,
    message:
      'The embeddings endpoint could not be reached, or answered with a server error or a rate limit; tried again later.',
  },
  SEDANO_ERR_EMBEDDER_BAD_RESPONSE: {
    status: 502,
    retriable: false,
    message:
      'The embedder refused the request or returned something unusable (an error status, a wrong vector count or dimension).',
  },
  SEDANO_ERR_EMBEDDER_MODEL_MISSING: {
    status: 500,
    retriable: false,
    message:
      'The transformers embedder found no usable model in its configured local directory, and downloads are not allowed.',
  },
  SEDANO_ERR_VECTOR_DIMENSION_MISMATCH: {
    status: 409,
    retriable: false,
    message:
      "A vector's length differs from its collection's dimension (or a collection exists with another dimension); the message gives both.",
  },
  SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH: {
    status: 409,
    retriable: false,
    message:
      'The collection was created for another embedder (or carries no record of its embedder); re-index into a new collection.',
  },
  SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND: {
    status: 404,
    retriable: false,
    message: 'The vector store has no such collection; it is created when indexing into it.',
  },
  SEDANO_ERR_VECTOR_INVALID_INPUT: {
    status: 400,
    retriable: false,
    message:
      'Chunks or a request the vector store refuses (a bad collection name, a chunk of another document, duplicate ids); the message says which.',
  },
  SEDANO_ERR_VECTOR_STORE_UNAVAILABLE: {
    status: 503,
    retriable: true,
    message:
      'The vector store (Qdrant or the LanceDB data directory) could not be reached or failed; tried again later.',
  },
  SEDANO_ERR_EXPORT_UNKNOWN_TEMPLATE: {
    status: 400,
    retriable: false,
    message: 'The export names a report template this exporter does not have (templates: DEFAULT, FINANCIAL).',
  },
  SEDANO_ERR_EXPORT_CHART_INVALID: {
    status: 400,
    retriable: false,
    message:
      'A chart cannot be drawn: no categories or series, too many of them, or a series whose values do not match the categories one to one; the message names the chart and the series.',
  },
  SEDANO_ERR_EXPORT_CONTENT_INVALID: {
    status: 400,
    retriable: false,
    message:
      'The report content cannot be laid out (a table without columns, a row with more cells than columns, KPI values that do not match the periods); the message says where.',
  },
  SEDANO_ERR_EXPORT_TOO_LARGE: {
    status: 413,
    retriable: false,
    message:
      'The report exceeds a limit of the exporter (table rows, sections or charts in one report); the message names it.',
  },
  SEDANO_ERR_EXPORT_ANALYSIS_NOT_FOUND: {
    status: 404,
    retriable: false,
    message: 'The analysis job named by `analysisJobId` is not known, or its result has expired from the status view.',
  },
  SEDANO_ERR_EXPORT_ANALYSIS_NOT_FINISHED: {
    status: 409,
    retriable: false,
    message:
      'The analysis job named by `analysisJobId` has not succeeded (still running, failed or revoked); export after it succeeds.',
  },
  SEDANO_ERR_EXPORT_ANALYSIS_UNUSABLE: {
    status: 422,
    retriable: false,
    message: 'The job named by `analysisJobId` is not an analysis, or its result holds nothing a report can show.',
  },
  SEDANO_ERR_EXPORT_STORAGE_FAILED: {
    status: 503,
    retriable: true,
    message: 'The rendered report could not be written to (or read from) the export storage; tried again later.',
  },
  SEDANO_ERR_API_UNAUTHORIZED: {
    status: 401,
    retriable: false,
    message: 'The request has no bearer token, or one the gateway does not know (`Authorization: Bearer <token>`).',
  },
  SEDANO_ERR_API_FORBIDDEN: {
    status: 403,
    retriable: false,
    message: "The token is valid but lacks the route's scope (`submit`, `read` or `admin`).",
  },
  SEDANO_ERR_API_VALIDATION: {
    status: 400,
    retriable: false,
    message:
      "The request does not match the route's schema (a missing, mistyped or unknown field, a bad id); `details` lists each bad field's path.",
  },
  SEDANO_ERR_API_MALFORMED_JSON: {
    status: 400,
    retriable: false,
    message: 'The request body is not valid JSON, or is empty where a JSON body is required.',
  },
  SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retriable: false,
    message: 'The request body has a content type the route does not accept (send `application/json`).',
  },
  SEDANO_ERR_API_PAYLOAD_TOO_LARGE: {
    status: 413,
    retriable: false,
    message: 'The request body is larger than the gateway accepts; large content travels by reference.',
  },
  SEDANO_ERR_API_NOT_FOUND: {
    status: 404,
    retriable: false,
    message:
      'No such job, batch, dead letter, PING or route (a finished job leaves the view `SEDANO_RESULT_TTL` seconds after it ended).',
  },
  SEDANO_ERR_API_METHOD_NOT_ALLOWED: {
    status: 405,
    retriable: false,
    message: 'The route does not take this method; the `Allow` header lists the methods it takes.',
  },
  SEDANO_ERR_API_CONFLICT: {
    status: 409,
    retriable: false,
    message:
      'The request conflicts with the current state (e.g. revoking a job that already ended, replaying a dead letter twice).',
  },
  SEDANO_ERR_API_BATCH_REDECLARED: {
    status: 409,
    retriable: false,
    message:
      'The batch id is already declared with other jobs, another follow-up or by another token; an exact repeat of its declaration gets the first answer, anything else needs a new batch id.',
  },
  SEDANO_ERR_API_REPLAY_UNDECODABLE: {
    status: 409,
    retriable: false,
    message: 'The dead letter is a poison message that never decoded as a job request, so it cannot be replayed.',
  },
  SEDANO_ERR_API_BAD_REQUEST: {
    status: 400,
    retriable: false,
    message: 'The request is malformed in a way no other API code names (e.g. a bad header).',
  },
  SEDANO_ERR_API_INVALID_CURSOR: {
    status: 400,
    retriable: false,
    message: 'The list cursor is not one the API handed out (send `nextCursor` of the previous page unchanged).',
  },
  SEDANO_ERR_API_URI_TOO_LONG: {
    status: 414,
    retriable: false,
    message: 'The request target (or one of its path parameters) is longer than the gateway accepts.',
  },
  SEDANO_ERR_API_HEADERS_TOO_LARGE: {
    status: 431,
    retriable: false,
    message: 'The request line and headers together are larger than the gateway accepts.',
  },
  SEDANO_ERR_API_REQUEST_TIMEOUT: {
    status: 408,
    retriable: false,
    message: 'The request (its headers or body) did not arrive in full within the time the gateway allows.',
  },
  SEDANO_ERR_API_UNAVAILABLE: {
    status: 503,
    retriable: true,
    message: 'Kafka, the schema registry or Redis did not answer in time; trying again later may succeed.',
  },
  SEDANO_ERR_API_INTERNAL: {
    status: 500,
    retriable: false,
    message: 'An unexpected error in the gateway; its log has the details under the request id.',
  },
  SEDANO_ERR_DOCUMENT_NOT_INDEXED: {
    status: 422,
    retriable: false,
    message:
      'The document id has no chunks in the vector store collection the analysis reads (index it first, or name its collection).',
  },
  SEDANO_ERR_DOCUMENT_NO_TEXT: {
    status: 422,
    retriable: false,
    message:
      'The document has no text to analyse: it is empty, or a PDF without a text layer (scanned pages need OCR first).',
  },
  SEDANO_ERR_MODEL_NOT_FOUND: {
    status: 404,
    retriable: false,
    message:
      'The analysis job names a modelId that no trained model answers to (TrainingResult.modelId); the job fails at once.',
  },
  SEDANO_ERR_TRAINING_UNSUPPORTED_MODEL_TYPE: {
    status: 400,
    retriable: false,
    message: 'The training request names a modelType the trainer does not build (supported: `text-classifier`).',
  },
  SEDANO_ERR_TRAINING_INVALID_MODEL_NAME: {
    status: 400,
    retriable: false,
    message:
      'The model name is empty or has characters other than letters, digits, `.`, `_` and `-` (at most 128, starting with a letter or digit).',
  },
  SEDANO_ERR_TRAINING_TOO_FEW_LABELS: {
    status: 400,
    retriable: false,
    message: 'The training examples carry fewer than two distinct labels; a classifier needs two or more.',
  },
  SEDANO_ERR_TRAINING_TOO_FEW_EXAMPLES: {
    status: 400,
    retriable: false,
    message:
      'A label has fewer examples than the trainer requires per label (`SEDANO_TRAINING_MIN_EXAMPLES_PER_LABEL`); the message names the label.',
  },
  SEDANO_ERR_TRAINING_EMPTY_TEXT: {
    status: 400,
    retriable: false,
    message: 'A training example has an empty (or blank) text or label; the message names the example or dataset row.',
  },
  SEDANO_ERR_TRAINING_DATASET_INVALID: {
    status: 400,
    retriable: false,
    message:
      'The dataset is not CSV or JSON Lines with `text` and `label` (a malformed row, a missing column, an unknown extension); the message names the row.',
  },
  SEDANO_ERR_TRAINING_DATASET_TOO_LARGE: {
    status: 413,
    retriable: false,
    message:
      "The dataset (with the inline examples) exceeds the trainer's limit on bytes, examples or characters per text; the message names the limit.",
  },
  SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER: {
    status: 400,
    retriable: false,
    message:
      'A hyper-parameter (epochs, validationSplit, learningRate, batchSize, l2Regularization, hiddenUnits, earlyStoppingPatience, seed) is not a number or out of its range; the message names it.',
  },
  SEDANO_ERR_TRAINING_LOSS_NAN: {
    status: 422,
    retriable: false,
    message: 'The training loss became NaN or infinite (usually a learning rate too high); nothing was saved.',
  },
  SEDANO_ERR_MODEL_EMBEDDER_MISMATCH: {
    status: 409,
    retriable: false,
    message:
      "The model was trained on another embedder's vectors (name or dimension) than the worker's; train it again with this embedder.",
  },
  SEDANO_ERR_MODEL_CORRUPT: {
    status: 500,
    retriable: false,
    message: "The model version's files are missing or unreadable in the model store.",
  },
  SEDANO_ERR_SCHEDULE_INVALID: {
    status: 400,
    retriable: false,
    message:
      'A schedule or override is invalid (cron expression, time zone, missed-slot policy, bound or name); the message lists each problem.',
  },
  SEDANO_ERR_SCHEDULE_NOT_FOUND: {
    status: 404,
    retriable: false,
    message: 'No schedule of that name is declared and enabled in this deployment.',
  },
  SEDANO_ERR_BACKUP_NOT_FOUND: {
    status: 404,
    retriable: false,
    message: 'No backup of that id in the backup directory (or it has no manifest).',
  },
  SEDANO_ERR_BACKUP_CORRUPT: {
    status: 422,
    retriable: false,
    message: "The backup's files differ from its manifest (missing, changed or unexpected), so it is not restored.",
  },
  SEDANO_ERR_BACKUP_TARGET_NOT_EMPTY: {
    status: 409,
    retriable: false,
    message: 'The restore target already holds a collection of the same name; restore into an empty stack.',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** Each code with its meaning alone (the table's `message`), for code that only needs the list. */
export const ERROR_CODES: Readonly<Record<ErrorCode, string>> = Object.fromEntries(
  Object.entries(ERROR_TABLE).map(([code, spec]) => [code, spec.message]),
) as Record<ErrorCode, string>;

/** True for a string that is one of the table's codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code);
}

const BRAND = Symbol.for('sedano.error');

export interface SedanoErrorOptions {
  /** Default: the code's `retriable` in ERROR_TABLE. */
  retriable?: boolean;
  cause?: unknown;
  /** Structured detail for the client (e.g. each bad field's `{ path, message }`); shown in API answers. */
  details?: readonly unknown[];
  /**
   * For a retriable failure: try again no sooner than this many ms from now (an upstream's
   * `Retry-After`, Celery's `self.retry(countdown=…)`); the retry waits the longer of this and
   * its backoff (failed-attempt.ts).
   */
  retryAfterMs?: number;
}

/** The base of every error sedano raises on purpose. */
export class SedanoError extends Error {
  readonly code: ErrorCode;
  /** True if trying again later may succeed (an outage), false if it never will (bad input). */
  readonly retriable: boolean;
  readonly details: readonly unknown[] | undefined;
  /** Try again no sooner than this many ms from when it was thrown (SedanoErrorOptions). */
  readonly retryAfterMs: number | undefined;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: SedanoErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'SedanoError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_TABLE[code].retriable;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** The HTTP status of this error's code (ERROR_TABLE). */
  get status(): number {
    return ERROR_TABLE[this.code].status;
  }
}

/** True for a SedanoError, also one rebuilt from another thread or process (same code shape). */
export function isSedanoError(error: unknown): error is SedanoError {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as Record<symbol, unknown>)[BRAND] === true) return true;
  return isErrorCode((error as { code?: unknown }).code);
}

/**
 * Thrown by a handler for a failure that trying again cannot fix (bad input, a missing
 * document): the job fails at once, without retries.
 */
export class NonRetriableError extends SedanoError {
  constructor(message: string, options: { cause?: unknown; code?: ErrorCode; details?: readonly unknown[] } = {}) {
    super(options.code ?? 'SEDANO_ERR_JOB_FAILED', message, {
      retriable: false,
      cause: options.cause,
      ...(options.details === undefined ? {} : { details: options.details }),
    });
    this.name = 'NonRetriableError';
  }
}
