/**
 * The JSON schemas of the API's requests. A job's `payload` schema is derived from its stage's
 * Avro request record (avro-json-schema.ts), header excluded; the submission options come from
 * the JobHeader fields a client may set. One schema per input; the route modules use them and
 * @fastify/swagger publishes them at /docs.
 */
import { loadSchema } from '../../schemas/schema-loader.ts';
import { STAGE_REQUEST_CONTRACTS } from '../../topology/contracts.ts';
import { type Stage, STAGES } from '../../topology/topics.ts';
import { MAX_DELAY_MS } from '../../topology/stages.ts';
import { JOB_STATE_SYMBOLS } from '../../schemas/job-state.ts';
import { ERROR_TABLE, type ErrorCode } from '../lib/errors.ts';
import { avroToJsonSchema, type JsonSchema } from './avro-json-schema.ts';
import { errorBodySchema } from './errors.ts';

/** Each stage's payload: its request record without the header. */
export const PAYLOAD_SCHEMAS: Record<Stage, JsonSchema> = Object.fromEntries(
  STAGES.map((stage) => [stage, avroToJsonSchema(STAGE_REQUEST_CONTRACTS[stage].schema, { omitFields: ['header'] })]),
) as Record<Stage, JsonSchema>;

const headerSchema = avroToJsonSchema(loadSchema('sedano.JobHeader'));
const headerFields = headerSchema['properties'] as Record<string, JsonSchema>;

/** The header fields a submission may set (the rest is the gateway's: id, type, time, submitter). */
const SUBMISSION_OPTIONS = ['priority', 'batchId', 'parentJobId', 'retryPolicy', 'softTimeLimitMs', 'hardTimeLimitMs'];

/** The submission options' schemas, from JobHeader; time limits must be above 0 when given. */
export const OPTION_SCHEMAS: Record<string, JsonSchema> = Object.fromEntries(
  SUBMISSION_OPTIONS.map((name) => {
    const { default: _default, ...schema } = headerFields[name] ?? {};
    return [name, name.endsWith('TimeLimitMs') ? { ...schema, minimum: 1 } : schema];
  }),
);

/** The latest time a JavaScript Date holds (ECMA-262's time range), ms since the epoch. */
export const LATEST_DATE_MS = 8.64e15;

/**
 * When a job may start (Celery's countdown and eta): options of the submission, not header
 * fields, since the delay is spent before the job reaches its lane (job-client.ts). One or the other.
 * Until when it may start (Celery's expires): the header's `expiresAt`, given as is or as
 * `expiresInMs` from the submission. One or the other.
 */
export const TIMING_SCHEMAS: Record<'countdownMs' | 'notBefore' | 'expiresInMs' | 'expiresAt', JsonSchema> = {
  countdownMs: {
    type: ['integer', 'null'],
    minimum: 0,
    maximum: MAX_DELAY_MS,
    description: "Start no sooner than this many milliseconds after submission (Celery's countdown); at most 30 days.",
  },
  notBefore: {
    type: ['integer', 'null'],
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description:
      "Start no sooner than this time, in milliseconds since the epoch (Celery's eta); at most 30 days ahead, a past time starts it at once.",
  },
  expiresInMs: {
    type: ['integer', 'null'],
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description:
      "No attempt starts later than this many milliseconds after submission (Celery's expires): the job ends REVOKED with SEDANO_ERR_JOB_EXPIRED instead. Must end after the job may start (its due time; a batch follow-up's, its children's latest). Null: it never expires.",
  },
  expiresAt: {
    type: ['integer', 'null'],
    minimum: 0,
    maximum: LATEST_DATE_MS,
    description:
      "No attempt starts later than this time, in milliseconds since the epoch (Celery's expires); see expiresInMs. Null: it never expires.",
  },
};

/** One job: `{ stage, payload, …options }`, the payload's schema chosen by the stage. */
export function submissionSchema(options: { batchIdAllowed: boolean; parentJobIdAllowed?: boolean }): JsonSchema {
  const optionSchemas: Record<string, JsonSchema> = { ...OPTION_SCHEMAS, ...TIMING_SCHEMAS };
  if (!options.batchIdAllowed) delete optionSchemas['batchId'];
  if (options.parentJobIdAllowed === false) delete optionSchemas['parentJobId'];
  return {
    type: 'object',
    required: ['stage'],
    discriminator: { propertyName: 'stage' },
    oneOf: STAGES.map((stage) => ({
      type: 'object',
      title: `${stage} job`,
      properties: { stage: { const: stage }, payload: PAYLOAD_SCHEMAS[stage], ...optionSchemas },
      required: ['stage', 'payload'],
      additionalProperties: false,
    })),
  };
}

export const uuidSchema = { type: 'string', format: 'uuid' } as const;

export const jobIdParams = {
  type: 'object',
  properties: { id: { ...uuidSchema, description: 'A job id.' } },
  required: ['id'],
  additionalProperties: false,
} as const;

export const batchIdParams = {
  type: 'object',
  properties: { id: { ...uuidSchema, description: 'A batch id.' } },
  required: ['id'],
  additionalProperties: false,
} as const;

export const stageParams = {
  type: 'object',
  properties: { stage: { type: 'string', enum: [...STAGES] } },
  required: ['stage'],
  additionalProperties: false,
} as const;

/** Dead letters are named by their position in the dead-letter topic: `<partition>-<offset>`. */
export const deadLetterIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^\\d{1,5}-\\d{1,19}$', description: '`<partition>-<offset>`' } },
  required: ['id'],
  additionalProperties: false,
} as const;

const cursorSchema = { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' } as const;

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
  cursor: { ...cursorSchema, description: '`nextCursor` of the previous page.' },
} as const;

export const jobListQuery = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: [...JOB_STATE_SYMBOLS] },
    // Maintenance runs are jobs of the view too (the scheduler's), listed under their own name.
    stage: { type: 'string', enum: [...STAGES, 'maintenance'] },
    batchId: uuidSchema,
    q: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description:
        "Only jobs whose payload preview or error message contains this text, whatever its case (Flower's " +
        'search). Checked on each job: a page looks at most 10,000 jobs, and may come back short, even empty, ' +
        'with a `nextCursor` to look further.',
    },
    workerId: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Only jobs whose last event came from this worker (checked on each job, as `q`).',
    },
    fields: {
      type: 'string',
      enum: ['all', 'summary'],
      default: 'all',
      description:
        "`summary` leaves each job's `result` out: a list polled for states and progress need not carry " +
        'results, which can be large (an indexing result lists up to 256 KiB of documents).',
    },
    ...pageQuery,
  },
  additionalProperties: false,
} as const;

/** The longest window `GET /v1/jobs/counts` counts over: a stage's count reads the ids of its window. */
export const MAX_COUNT_WINDOW_MS = 3_600_000;

export const jobCountsQuery = {
  type: 'object',
  properties: {
    sinceMs: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_COUNT_WINDOW_MS,
      default: 60_000,
      description: 'The window, in ms before now: jobs whose status last changed within it are counted.',
    },
    stage: { type: 'string', enum: [...STAGES, 'maintenance'] },
  },
  additionalProperties: false,
} as const;

/** The body of `GET /v1/jobs/counts`. */
export const jobCountsReplySchema: JsonSchema = {
  type: 'object',
  properties: {
    stage: { type: ['string', 'null'], description: 'The stage counted; null: every stage' },
    sinceMs: { type: 'integer' },
    since: { type: 'integer', description: 'The start of the window, ms since the epoch' },
    counts: {
      type: 'object',
      description: 'Per state, the jobs in that state whose status last changed in the window',
      properties: Object.fromEntries(JOB_STATE_SYMBOLS.map((state) => [state, { type: 'integer' }])),
      required: [...JOB_STATE_SYMBOLS],
    },
    truncated: {
      type: 'boolean',
      description:
        "True when a stage's count covers only its 10,000 jobs changed most recently (the counts are lower bounds)",
    },
  },
  required: ['stage', 'sinceMs', 'since', 'counts', 'truncated'],
};

export const deadLetterListQuery = {
  type: 'object',
  properties: { ...pageQuery },
  additionalProperties: false,
} as const;

/** Bodies of the routes that act without input (`{}` or no body at all). */
export const emptyBody = {
  type: ['object', 'null'],
  properties: { reason: { type: 'string', maxLength: 500, description: 'Why, for the audit trail.' } },
  additionalProperties: false,
} as const;

/** `PUT /v1/stages/:stage/rate-limit`: starts per second, or null for the stage's own limit. */
export const rateLimitBody = {
  type: 'object',
  properties: {
    perSecond: {
      type: ['number', 'null'],
      exclusiveMinimum: 0,
      maximum: 1_000_000,
      description:
        "Job starts per second, shared by the stage's workers; null: the stage's own `rateLimitPerSecond` again.",
    },
  },
  required: ['perSecond'],
  additionalProperties: false,
} as const;

export const concurrencyBody = {
  type: 'object',
  properties: {
    perWorker: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 10_000,
      description:
        "Jobs each of the stage's workers runs at once, at most the concurrency it started with; null: each worker's own again.",
    },
  },
  required: ['perWorker'],
  additionalProperties: false,
} as const;

export const MAX_BATCH_JOBS = 1000;

export const batchBody: JsonSchema = {
  type: 'object',
  properties: {
    jobs: { type: 'array', items: submissionSchema({ batchIdAllowed: false }), minItems: 1, maxItems: MAX_BATCH_JOBS },
    batchId: { ...uuidSchema, description: 'The batch id to use (default: a new one).' },
    // The follow-up is no child of the batch, and its parent is implied: neither id may be given.
    followUp: {
      ...submissionSchema({ batchIdAllowed: false, parentJobIdAllowed: false }),
      description: 'A job submitted once every job of the batch has ended (a Celery chord).',
    },
  },
  required: ['jobs'],
  additionalProperties: false,
};

/** What a route may answer besides its success: the codes of its errors (ERROR_TABLE gives each one's status). */
export interface RouteErrors {
  /** The route needs a token (401, 403). Default true. */
  scoped?: boolean;
  /** The route validates params, query or body (400 with `details`). Default true. */
  validated?: boolean;
  /** The route reads a JSON body (malformed JSON, wrong media type, oversize). Default false. */
  body?: boolean;
  /** The route reads Kafka, the registry or Redis (503). Default true. */
  backed?: boolean;
  /** The route's own codes (e.g. not found, conflict). */
  codes?: readonly ErrorCode[];
}

/** The codes a route may answer with, from its description (every route may answer an internal error). */
export function routeErrorCodes(errors: RouteErrors): ErrorCode[] {
  const codes: ErrorCode[] = ['SEDANO_ERR_API_BAD_REQUEST', 'SEDANO_ERR_API_INTERNAL'];
  if (errors.scoped ?? true) codes.push('SEDANO_ERR_API_UNAUTHORIZED', 'SEDANO_ERR_API_FORBIDDEN');
  if (errors.validated ?? true) codes.push('SEDANO_ERR_API_VALIDATION');
  if (errors.body ?? false) {
    codes.push(
      'SEDANO_ERR_API_MALFORMED_JSON',
      'SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE',
      'SEDANO_ERR_API_PAYLOAD_TOO_LARGE',
    );
  }
  if (errors.backed ?? true) codes.push('SEDANO_ERR_API_UNAVAILABLE');
  for (const code of errors.codes ?? []) if (!codes.includes(code)) codes.push(code);
  return codes;
}

/** A success answer: its description and, for JSON, the schema of its body. */
export interface SuccessResponse {
  description: string;
  /** Omitted: a JSON object not described further. */
  schema?: JsonSchema;
  /** Default `application/json`. */
  contentType?: string;
}

/**
 * The `response` map of a route's schema: its success answers, and one entry per error status
 * listing the codes answered with it. The gateway serializes replies with JSON.stringify
 * (app.ts), so these schemas document the answers without filtering them.
 */
export function routeResponses(success: Record<number, SuccessResponse>, errors: RouteErrors = {}) {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, { description, schema, contentType }] of Object.entries(success)) {
    const body = schema ?? { type: 'object', additionalProperties: true };
    responses[status] =
      contentType === undefined
        ? { description, ...body }
        : { description, content: { [contentType]: { schema: body } } };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeErrorCodes(errors)) {
    const status = ERROR_TABLE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\``).join(', '),
      ...errorBodySchema(codes),
    };
  }
  return responses;
}

/** The body of a submission's 202 (one job). */
export const submissionReplySchema: JsonSchema = {
  type: 'object',
  properties: {
    jobId: uuidSchema,
    stage: { type: 'string', enum: [...STAGES] },
    priority: { type: 'string' },
    batchId: { type: ['string', 'null'] },
    statusUrl: { type: 'string' },
    eventsUrl: { type: 'string' },
    created: { type: 'boolean' },
    notBefore: { type: ['integer', 'null'], description: "A delayed job's due time, ms since the epoch" },
    expiresAt: {
      type: ['integer', 'null'],
      description: 'When the job expires (no attempt starts after it), ms since the epoch; null: never',
    },
  },
  required: ['jobId', 'stage', 'priority', 'batchId', 'statusUrl', 'eventsUrl', 'created', 'notBefore', 'expiresAt'],
  additionalProperties: true,
};
