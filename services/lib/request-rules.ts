/**
 * The rules of a job request that its Avro contract cannot say (pure): a duration is not
 * negative, a soft time limit is not above the hard one, a probability is in [0, 1], a retry
 * policy allows at least one attempt and waits at most 30 days (MAX_DELAY_MS) before one, a
 * chunk overlap is below the chunk size, a collection name is one every vector store accepts,
 * an indexing or analysis job names at least one document.
 *
 * Checked twice with the same code (`SEDANO_ERR_JOB_INVALID_REQUEST`) and the same paths: by
 * the gateway at submission (a 400 naming each field), and by the stage's handler for a record
 * that arrived straight from Kafka (the job fails at once, without retries). Paths are those of
 * the API's submission body (`/payload/sleepMs`, `/retryPolicy/maxAttempts`).
 */
import type { JobHeader } from '../../schemas/job-header.ts';
import type { StageRequests } from '../../topology/contracts.ts';
import { MAX_DELAY_MS } from '../../topology/stages.ts';
import type { Stage } from '../../topology/topics.ts';
import { NonRetriableError } from './errors.ts';

/** One rule a request breaks: the field's path in the submission body and what is wrong. */
export interface RuleViolation {
  path: string;
  message: string;
}

/** The splitter's default chunk size (`DEFAULT_SPLITTER_OPTIONS` in the indexer; a unit test keeps them equal). */
export const DEFAULT_CHUNK_SIZE = 1000;

/** A collection name every vector store accepts (the adapters' own check, `chunk-checks.ts`, is the same). */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** The header fields a submission may set that have rules. */
export type RequestOptions = Partial<Pick<JobHeader, 'retryPolicy' | 'softTimeLimitMs' | 'hardTimeLimitMs'>>;

function atLeast(
  problems: RuleViolation[],
  path: string,
  value: number | null | undefined,
  minimum: number,
  what: string,
): void {
  if (value !== null && value !== undefined && !(value >= minimum)) {
    problems.push({ path, message: `${what} must be at least ${minimum}, got ${value}` });
  }
}

function atMost(
  problems: RuleViolation[],
  path: string,
  value: number | null | undefined,
  maximum: number,
  what: string,
): void {
  if (value !== null && value !== undefined && value > maximum) {
    problems.push({ path, message: `${what} must be at most ${maximum}, got ${value}` });
  }
}

function noopProblems(payload: Partial<StageRequests['noop']>): RuleViolation[] {
  const problems: RuleViolation[] = [];
  atLeast(problems, '/payload/sleepMs', payload.sleepMs, 0, 'a duration');
  atLeast(problems, '/payload/cpuSpinMs', payload.cpuSpinMs, 0, 'a duration');
  const rate = payload.failureRate;
  if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
    problems.push({ path: '/payload/failureRate', message: `a probability must be in [0, 1], got ${rate}` });
  }
  return problems;
}

function indexingProblems(payload: Partial<StageRequests['indexing']>): RuleViolation[] {
  const problems: RuleViolation[] = [];
  if (payload.documents?.length === 0) {
    problems.push({ path: '/payload/documents', message: 'name at least one document to index' });
  }
  if (payload.collection !== undefined && !COLLECTION_NAME_PATTERN.test(payload.collection)) {
    problems.push({
      path: '/payload/collection',
      message: `invalid collection name ${JSON.stringify(payload.collection.slice(0, 140))}: use 1-128 letters, digits, _ or -, starting with a letter or digit`,
    });
  }
  const size = payload.chunkSize ?? null;
  const overlap = payload.chunkOverlap ?? null;
  atLeast(problems, '/payload/chunkSize', size, 1, 'a chunk size');
  atLeast(problems, '/payload/chunkOverlap', overlap, 0, 'a chunk overlap');
  const effectiveSize = size ?? DEFAULT_CHUNK_SIZE;
  if (overlap !== null && overlap >= 0 && effectiveSize >= 1 && overlap >= effectiveSize) {
    problems.push({
      path: '/payload/chunkOverlap',
      message: `the chunk overlap must be below the chunk size (${effectiveSize}), got ${overlap}`,
    });
  }
  return problems;
}

function analysisProblems(payload: Partial<StageRequests['analysis']>): RuleViolation[] {
  if ((payload.documentIds?.length ?? 0) + (payload.documents?.length ?? 0) > 0) return [];
  return [
    { path: '/payload/documents', message: 'name at least one document to analyse, in documentIds or documents' },
  ];
}

function optionProblems(options: RequestOptions): RuleViolation[] {
  const problems: RuleViolation[] = [];
  const policy = options.retryPolicy ?? null;
  if (policy !== null) {
    atLeast(problems, '/retryPolicy/maxAttempts', policy.maxAttempts, 1, 'the number of attempts');
    atLeast(problems, '/retryPolicy/initialBackoffMs', policy.initialBackoffMs, 0, 'a backoff');
    atLeast(problems, '/retryPolicy/maxBackoffMs', policy.maxBackoffMs, 0, 'a backoff');
    atLeast(problems, '/retryPolicy/backoffMultiplier', policy.backoffMultiplier, 1, 'a backoff multiplier');
    // The longest any attempt may wait: revocations and the delay tiers are kept for that long.
    atMost(problems, '/retryPolicy/initialBackoffMs', policy.initialBackoffMs, MAX_DELAY_MS, 'a backoff (30 days)');
    atMost(problems, '/retryPolicy/maxBackoffMs', policy.maxBackoffMs, MAX_DELAY_MS, 'a backoff (30 days)');
    const { initialBackoffMs: initial, maxBackoffMs: max } = policy;
    if (initial != null && max != null && initial >= 0 && max >= 0 && max < initial) {
      problems.push({
        path: '/retryPolicy/maxBackoffMs',
        message: `the largest backoff must not be below the first (${initial} ms), got ${max}`,
      });
    }
  }
  atLeast(problems, '/softTimeLimitMs', options.softTimeLimitMs, 1, 'a time limit');
  atLeast(problems, '/hardTimeLimitMs', options.hardTimeLimitMs, 1, 'a time limit');
  const { softTimeLimitMs: soft, hardTimeLimitMs: hard } = options;
  // The hard limit ends the attempt first: the soft one, the handler's chance to stop cleanly, would never fire.
  if (soft != null && hard != null && soft >= 1 && hard >= 1 && soft > hard) {
    problems.push({
      path: '/softTimeLimitMs',
      message: `the soft time limit (${soft} ms) must not be above the hard one (${hard} ms): the hard limit would always end the attempt first`,
    });
  }
  return problems;
}

function payloadProblems<S extends Stage>(stage: S, payload: Partial<StageRequests[S]>): RuleViolation[] {
  switch (stage) {
    case 'noop':
      return noopProblems(payload);
    case 'indexing':
      return indexingProblems(payload);
    case 'analysis':
      return analysisProblems(payload);
    default:
      return [];
  }
}

/** Every rule a request of `stage` breaks (its payload, and the header fields a submission sets). */
export function requestRuleViolations<S extends Stage>(
  stage: S,
  payload: Partial<StageRequests[S]>,
  options: RequestOptions = {},
): RuleViolation[] {
  return [...payloadProblems(stage, payload), ...optionProblems(options)];
}

/** The error of a request that breaks rules: SEDANO_ERR_JOB_INVALID_REQUEST, not retriable, each field in `details`. */
export function invalidRequestError(violations: readonly RuleViolation[], prefix = ''): NonRetriableError {
  const details = violations.map(({ path, message }) => ({ in: 'body', path: `${prefix}${path}`, message }));
  const summary = details.map(({ path, message }) => `${path}: ${message}`).join('; ');
  return new NonRetriableError(`invalid request: ${summary}`, { code: 'SEDANO_ERR_JOB_INVALID_REQUEST', details });
}

/**
 * For a stage's handler: throws SEDANO_ERR_JOB_INVALID_REQUEST (not retriable) if the request
 * record breaks a rule, as the gateway would have refused it.
 */
export function assertRequestRules<S extends Stage>(stage: S, request: StageRequests[S]): void {
  const { header, ...payload } = request as StageRequests[S] & { header: JobHeader };
  const violations = requestRuleViolations(stage, payload as Partial<StageRequests[S]>, header);
  if (violations.length > 0) throw invalidRequestError(violations);
}
