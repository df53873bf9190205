/**
 * Job and batch ids in lower case. The API validates a UUID whatever its case (JSON Schema's
 * `uuid` format), while the view stores and looks ids up as written, and sedano writes them in
 * lower case (randomUUID, job-ids.ts): `GET /v1/jobs/B272…` was a 404 for job b272…. So every id
 * the gateway reads is made lower case before validation: a path's `:id`, the `batchId` filter,
 * and the `batchId` and `parentJobId` of a submission (so an id given at submission is stored as
 * every later read asks for it, and a batch's follow-up id, derived from the batch id, is one).
 *
 * The URL's ids are made lower case in the gateway's onRequest hook and a body's as it is parsed
 * (app.ts), both before validation: no hook of their own, which every request would run.
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

/** The parts of a request's URL that name ids (fastify's request has both before its hooks run). */
export interface UrlIds {
  params: unknown;
  query: unknown;
}

/** Makes the ids a request's URL names lower case, in place: the path's `:id`, the `batchId` filter. */
export function lowerCaseUrlIds(request: UrlIds): void {
  lowerCaseField(request.params, 'id');
  lowerCaseField(request.query, 'batchId');
}

/** Makes the ids a parsed request body names lower case, in place; returns the body. */
export function lowerCaseBodyIds<T>(body: T): T {
  if (!isRecord(body)) return body;
  for (const field of BODY_ID_FIELDS) lowerCaseField(body, field);
  // A batch: its jobs may each name a parent job.
  if (Array.isArray(body['jobs'])) for (const job of body['jobs']) lowerCaseField(job, 'parentJobId');
  return body;
}
