/**
 * sedano's errors: one base class with a stable code from a closed list, a retriable flag
 * and a cause. Errors are recognised by their code (`isSedanoError`), not only by
 * `instanceof`, because they cross worker threads and process boundaries.
 *
 * Every code that can reach a user (an API response, a status event, a dead-letter record,
 * the CLI) is in ERROR_CODES with its meaning; README.md's error table is checked against it.
 */

/** The closed list of error codes, each with what it means for the person who sees it. */
export const ERROR_CODES = {
  SEDANO_ERR_CODEC_NOT_FRAMED:
    'The message is not in Confluent wire format (magic byte 0 + 4-byte schema id + Avro body), or has no value.',
  SEDANO_ERR_CODEC_UNKNOWN_SCHEMA: 'The schema id in the message is not known to the schema registry.',
  SEDANO_ERR_CODEC_WRONG_SCHEMA:
    'The message was written with a schema of another record type, or one this reader cannot resolve.',
  SEDANO_ERR_CODEC_TRUNCATED: 'The Avro body ends before the record does.',
  SEDANO_ERR_CODEC_CORRUPT: 'The Avro body does not decode as its schema says (e.g. trailing bytes, bad lengths).',
  SEDANO_ERR_CODEC_INVALID_RECORD:
    'The record does not satisfy its contract (a missing or mistyped field, a malformed uuid); the message names each field.',
  SEDANO_ERR_CODEC_OVERSIZE: 'The message is larger than the consumer accepts; large content travels by reference.',
  SEDANO_ERR_REGISTRY_INCOMPATIBLE:
    "The schema registry refused a schema because it breaks the subject's compatibility level.",
  SEDANO_ERR_REGISTRY_UNAVAILABLE: 'The schema registry could not be reached or answered with an error.',
  SEDANO_ERR_JOB_FAILED:
    "The job's handler failed; the error message says why, and `retriable` whether it is tried again.",
  SEDANO_ERR_JOB_REVOKED: 'The job was revoked (cancelled) before it started or while it ran.',
  SEDANO_ERR_JOB_TIME_LIMIT:
    "The attempt ran past its time limit: the soft limit aborted the handler's signal, the hard limit failed the attempt.",
  SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED:
    'Every attempt the retry policy allows failed; the last error is in the message and the job is in the dead-letter topic.',
  SEDANO_ERR_DOCUMENT_NOT_FOUND: 'The document does not exist at its resolved path, or is not a regular file.',
  SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL:
    'The document reference climbs out of its document root with `..`; references stay inside the configured roots.',
  SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT:
    'The document reference is an absolute path or file: URI outside every configured document root.',
  SEDANO_ERR_DOCUMENT_SYMLINK_ESCAPE:
    'The document path is inside a document root, but a symbolic link on it leads outside every root.',
  SEDANO_ERR_DOCUMENT_UNSUPPORTED:
    'The document format or URI scheme is not supported (formats: PDF, DOCX, XLSX, CSV, Markdown, HTML, plain text; references: paths and file: URIs).',
  SEDANO_ERR_DOCUMENT_CORRUPT:
    'The document could not be parsed as its format (damaged, truncated or mislabelled); the message says why.',
  SEDANO_ERR_DOCUMENT_TOO_LARGE:
    'The document exceeds a per-document limit (file bytes, PDF pages or sheet cells); the message names it.',
  SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB:
    'The DOCX/XLSX archive exceeds a decompression limit (total uncompressed bytes, compression ratio or entry count).',
  SEDANO_ERR_EMBEDDER_UNAVAILABLE:
    'The embeddings endpoint could not be reached, or answered with a server error or a rate limit; tried again later.',
  SEDANO_ERR_EMBEDDER_BAD_RESPONSE:
    'The embedder refused the request or returned something unusable (an error status, a wrong vector count or dimension).',
  SEDANO_ERR_EMBEDDER_MODEL_MISSING:
    'The transformers embedder found no usable model in its configured local directory, and downloads are not allowed.',
  SEDANO_ERR_VECTOR_DIMENSION_MISMATCH:
    "A vector's length differs from its collection's dimension (or a collection exists with another dimension); the message gives both.",
  SEDANO_ERR_VECTOR_EMBEDDER_MISMATCH:
    'The collection was created for another embedder (or carries no record of its embedder); re-index into a new collection.',
  SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND:
    'The vector store has no such collection; it is created when indexing into it.',
  SEDANO_ERR_VECTOR_INVALID_INPUT:
    'Chunks or a request the vector store refuses (a bad collection name, a chunk of another document, duplicate ids); the message says which.',
  SEDANO_ERR_VECTOR_STORE_UNAVAILABLE:
    'The vector store (Qdrant or the LanceDB data directory) could not be reached or failed; tried again later.',
  SEDANO_ERR_TRAINING_UNSUPPORTED_MODEL_TYPE:
    'The training request names a modelType the trainer does not build (supported: `text-classifier`).',
  SEDANO_ERR_TRAINING_INVALID_MODEL_NAME:
    'The model name is empty or has characters other than letters, digits, `.`, `_` and `-` (at most 128, starting with a letter or digit).',
  SEDANO_ERR_TRAINING_TOO_FEW_LABELS:
    'The training examples carry fewer than two distinct labels; a classifier needs two or more.',
  SEDANO_ERR_TRAINING_TOO_FEW_EXAMPLES:
    'A label has fewer examples than the trainer requires per label (`SEDANO_TRAINING_MIN_EXAMPLES_PER_LABEL`); the message names the label.',
  SEDANO_ERR_TRAINING_EMPTY_TEXT:
    'A training example has an empty (or blank) text or label; the message names the example or dataset row.',
  SEDANO_ERR_TRAINING_DATASET_INVALID:
    'The dataset is not CSV or JSON Lines with `text` and `label` (a malformed row, a missing column, an unknown extension); the message names the row.',
  SEDANO_ERR_TRAINING_DATASET_TOO_LARGE:
    "The dataset (with the inline examples) exceeds the trainer's limit on bytes, examples or characters per text; the message names the limit.",
  SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER:
    'A hyper-parameter (epochs, validationSplit, learningRate, batchSize, l2Regularization, hiddenUnits, earlyStoppingPatience, seed) is not a number or out of its range; the message names it.',
  SEDANO_ERR_TRAINING_LOSS_NAN:
    'The training loss became NaN or infinite (usually a learning rate too high); nothing was saved.',
  SEDANO_ERR_MODEL_NOT_FOUND: 'No model of that name (or no such version of it) is in the model registry.',
  SEDANO_ERR_MODEL_EMBEDDER_MISMATCH:
    "The model was trained on another embedder's vectors (name or dimension) than the worker's; train it again with this embedder.",
  SEDANO_ERR_MODEL_CORRUPT: "The model version's files are missing or unreadable in the model store.",
  SEDANO_ERR_API_UNAUTHORIZED:
    'The request has no bearer token, or one the gateway does not know (`Authorization: Bearer <token>`).',
  SEDANO_ERR_API_FORBIDDEN: "The token is valid but lacks the route's scope (`submit`, `read` or `admin`).",
  SEDANO_ERR_API_VALIDATION:
    "The request does not match the route's schema (a missing, mistyped or unknown field, a bad id); `details` lists each bad field's path.",
  SEDANO_ERR_API_MALFORMED_JSON: 'The request body is not valid JSON, or is empty where a JSON body is required.',
  SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE:
    'The request body has a content type the route does not accept (send `application/json`).',
  SEDANO_ERR_API_PAYLOAD_TOO_LARGE:
    'The request body is larger than the gateway accepts; large content travels by reference.',
  SEDANO_ERR_API_NOT_FOUND:
    'No such job, batch, dead letter or route (a finished job leaves the view `SEDANO_RESULT_TTL` seconds after it ended).',
  SEDANO_ERR_API_CONFLICT:
    'The request conflicts with the current state (e.g. revoking a job that already ended, replaying a dead letter twice).',
  SEDANO_ERR_API_REPLAY_UNDECODABLE:
    'The dead letter is a poison message that never decoded as a job request, so it cannot be replayed.',
  SEDANO_ERR_API_BAD_REQUEST: 'The request is malformed in a way no other API code names (e.g. a bad header).',
  SEDANO_ERR_API_UNAVAILABLE:
    'Kafka, the schema registry or Redis did not answer in time; trying again later may succeed.',
  SEDANO_ERR_API_INTERNAL: 'An unexpected error in the gateway; its log has the details under the request id.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

const BRAND = Symbol.for('sedano.error');

export interface SedanoErrorOptions {
  retriable?: boolean;
  cause?: unknown;
}

/** The base of every error sedano raises on purpose. */
export class SedanoError extends Error {
  readonly code: ErrorCode;
  /** True if trying again later may succeed (an outage), false if it never will (bad input). */
  readonly retriable: boolean;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: SedanoErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'SedanoError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** True for a SedanoError, also one rebuilt from another thread or process (same code shape). */
export function isSedanoError(error: unknown): error is SedanoError {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as Record<symbol, unknown>)[BRAND] === true) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code in ERROR_CODES;
}

/**
 * Thrown by a handler for a failure that trying again cannot fix (bad input, a missing
 * document): the job fails at once, without retries.
 */
export class NonRetriableError extends SedanoError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SEDANO_ERR_JOB_FAILED', message, { retriable: false, cause: options.cause });
    this.name = 'NonRetriableError';
  }
}
