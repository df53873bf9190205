/**
 * Job and batch ids in lower case. The API validates a UUID whatever its case (JSON Schema's
 * `uuid` format), while the view stores and looks ids up as written, and sedano writes them in
 * lower case (randomUUID, job-ids.ts): `GET /v1/jobs/B272…` was a 404 for job b272…. So every id
 * the gateway reads is made lower case before validation: a path's `:id`, the `batchId` filter,
 * and the `batchId` and `parentJobId` of a submission (so an id given at submission is stored as
 * every later read asks for it, and a batch's follow-up id, derived from the batch id, is one).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fields of a submission body that hold ids. */
const BODY_ID_FIELDS = ['batchId', 'parentJobId'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `record[field]` in lower case when it is a UUID; anything else is left for validation to judge. */
function lowerCaseField(record: unknown, field: string): void {
  if (!isRecord(record)) return;
  const value = record[field];
  if (typeof value === 'string' && UUID.test(value)) record[field] = value.toLowerCase();
}

/** The parts of a request that name ids (fastify's request has these three). */
export interface RequestIds {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** Makes the ids a request names lower case, in place (pure but for that; no I/O). */
export function lowerCaseIds(request: RequestIds): void {
  lowerCaseField(request.params, 'id');
  lowerCaseField(request.query, 'batchId');
  const { body } = request;
  if (!isRecord(body)) return;
  for (const field of BODY_ID_FIELDS) lowerCaseField(body, field);
  // A batch: its jobs may each name a parent job.
  if (Array.isArray(body['jobs'])) for (const job of body['jobs']) lowerCaseField(job, 'parentJobId');
}
