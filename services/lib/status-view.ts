/**
 * The status view: the latest state of every job, projected from the status topic into Redis
 * (DESIGN.md section 3). `applyStatusEvent` (job-view.ts, re-exported here) holds the
 * precedence rules as a pure function; `createStatusView` stores its outcome with indexes and
 * batch counts, a batch of events at a time (status-view-batch.ts, status-view-script.ts).
 *
 * Redis layout (`keys.status`, topology/redis-keys.ts; with the default namespace, `sedano:status:…`):
 * - `job:<jobId>`: the JobView as JSON, without its result; a terminal job expires `resultTtlSeconds`
 *   after it finished.
 * - `result:<jobId>`: the job's result as JSON, written (or deleted) and expiring with its view. A
 *   result may be near a megabyte (an analysis of many documents): apart, a listing without
 *   results (`withResults: false`, the dashboard's) and the projector's memory of recent views do
 *   not carry it. A view stored before results were apart holds its result inline; reads take it.
 * - `index:all`, `index:state:<STATE>`, `index:stage:<STAGE>`, `index:batch:<batchId>`: sorted sets
 *   of job ids scored by `updatedAt`; entries of expired jobs are dropped when a listing meets them.
 * - `batch:<batchId>`: hash of job counts per state; it and the batch index expire with the batch's
 *   last result once no job of the batch is still active.
 * - `batch:<batchId>:declaration`: the batch's declaration (size, follow-up) as JSON
 *   (services/lib/batch-view.ts), from the batches topic; it expires with the batch, or
 *   `resultTtlSeconds` after it was stored while the view has seen no job of the batch.
 * - `batch:<batchId>:follow-up-submitted`: the follow-up's marker: a claim token (with a lease)
 *   while one projector submits it, then `submitted`, which expires with the batch.
 * - `follow-up:<jobId>:batch`: the batch id of a declared follow-up, stored with the declaration
 *   and expiring with it, so the follow-up is known (PENDING, from its declared event) from the
 *   batch's submission on, not only once its batch ended (`declaredFollowUp`).
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { BatchDeclaration } from '../../schemas/batch-declaration.ts';
import type { FollowUpJob } from '../../schemas/follow-up-job.ts';
import type { JobState } from '../../schemas/job-state.ts';
import { JOB_STATE_SYMBOLS } from '../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { Stage } from '../../schemas/stage.ts';
import type { StatusViewKeys } from '../../topology/redis-keys.ts';
import { SedanoError } from './errors.ts';
import { claimMarker, MARKER_DONE, type MarkerClaim, releaseMarker, setForBatchLife } from './batch-scripts.ts';
import type { BatchCounts } from './batch-state.ts';
import { type BatchView, batchViewOf, declarationFromJson, declarationToJson } from './batch-view.ts';
import { type BatchOutcome, planStatusBatch, scriptPayload } from './status-view-batch.ts';
import { writeStatusBatch } from './status-view-script.ts';
import { type ApplyOutcome, type JobView, TERMINAL_STATES, withoutResult } from './job-view.ts';

export {
  type ApplyOutcome,
  applyStatusEvent,
  compareStatusEvents,
  eventOfView,
  type IgnoredReason,
  type JobResultView,
  type JobView,
  type ProgressDetailsView,
  type ProgressView,
  TERMINAL_STATES,
  type Unwrapped,
} from './job-view.ts';

export interface StatusViewOptions {
  redis: Redis;
  /** The view's keys (`redisKeys(namespace).status`). */
  keys: StatusViewKeys;
  /** How long a finished job stays in the view after `finishedAt`, in seconds (default 86 400). */
  resultTtlSeconds?: number;
  /** Most index entries one listing looks at (default MAX_EXAMINED). */
  maxExamined?: number;
}

export interface ListOptions {
  state?: JobState;
  stage?: Stage;
  batchId?: string;
  /** Jobs per page, 1 to 1000. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Whether the jobs' results are read (default true); without, each job's `result` is null. */
  withResults?: boolean;
  /** Only jobs whose payload preview or error message contains this text, whatever its case. */
  search?: string;
  /** Only jobs whose last event came from this worker. */
  workerId?: string;
}

export interface JobPage {
  /** Most recently updated first. */
  jobs: JobView[];
  /** Where the next page starts; null when this page was the last. */
  nextCursor: string | null;
}

export type { BatchCounts };

/** What claiming a batch's follow-up found (see MarkerClaim). */
export type FollowUpClaim = MarkerClaim;

export interface StatusView {
  /** Applies one event atomically for its job; `created` is true when the job was not in the view. */
  apply(event: JobStatusEvent): Promise<ApplyOutcome & { created: boolean }>;
  /**
   * Applies events in order, all at once (one Redis round trip when this view knows their
   * jobs' current state): the same outcomes, one per event, as applying them one by one.
   */
  applyBatch(events: readonly JobStatusEvent[]): Promise<BatchOutcome[]>;
  get(jobId: string): Promise<JobView | undefined>;
  /** The views of `jobIds` in one read (MGET), undefined for an unknown job, in the order asked. */
  getMany(jobIds: readonly string[]): Promise<(JobView | undefined)[]>;
  list(options: ListOptions): Promise<JobPage>;
  /** Undefined for a batch the view does not know (or whose results expired). */
  batchCounts(batchId: string): Promise<BatchCounts | undefined>;
  /** Counts, declared size, follow-up and summary; undefined for a batch the view does not know. */
  batch(batchId: string): Promise<BatchView | undefined>;
  /** Stores (or stores again, unchanged) a batch's declaration; it expires with the batch. */
  storeBatchDeclaration(declaration: BatchDeclaration): Promise<void>;
  batchDeclaration(batchId: string): Promise<BatchDeclaration | undefined>;
  /**
   * The follow-up a stored declaration names `jobId` for, with its batch id; undefined for any
   * other job. Its PENDING event is in `followUp.pending`, encoded: the view of a follow-up whose
   * batch has not ended yet.
   */
  declaredFollowUp(jobId: string): Promise<{ batchId: string; followUp: FollowUpJob } | undefined>;
  /** Claims the submission of a batch's follow-up with `token` for `leaseMs` (SET NX). */
  claimFollowUp(batchId: string, token: string, leaseMs: number): Promise<FollowUpClaim>;
  /** Marks the follow-up submitted (after its request and PENDING were produced); it expires with the batch. */
  confirmFollowUp(batchId: string): Promise<void>;
  /** Drops the claim `token` holds (its submission failed), so the next check may claim it. */
  releaseFollowUp(batchId: string, token: string): Promise<void>;
  /** Jobs per stage and state, for each of `stages` (the schema's symbols, e.g. `NOOP`) and every state. */
  countsByStageAndState(stages: readonly Stage[]): Promise<{ stage: Stage; state: JobState; count: number }[]>;
  /**
   * Jobs per state whose view last changed at or after `since` (ms since the epoch), of one stage
   * (the schema's symbol) or of all: a finished job's last change is its end, so the SUCCESS and
   * FAILURE counts are the jobs that ended in the window. Read from the indexes, not the views: an
   * index entry of an expired job lingers until a listing meets it, but an entry scored within a
   * window shorter than `resultTtlSeconds` belongs to a job that cannot have expired yet.
   */
  countChangedSince(since: number, stage?: Stage): Promise<ChangedCounts>;
  /** Deletes every key of the view; resolves with how many. */
  clear(): Promise<number>;
}

const SCAN_COUNT = 500;

/**
 * Most index entries one listing looks at. Search and worker are checked on each job, as no
 * index answers them: a rare text would otherwise read the whole view. A page that stops here
 * holds what it found, maybe nothing, and a cursor to look further (Flower's search looks only
 * at the tasks it keeps in memory).
 */
export const MAX_EXAMINED = 10_000;
/** Entries read at a time when a filter no index answers is set (a page of 25 matches may need many). */
const UNINDEXED_FILTER_PAGE = 500;

/** Most of a stage's jobs `countChangedSince` counts: a minute of a 20,000-job burst sends no megabytes. */
export const MAX_STAGE_COUNT = 10_000;

/** Jobs per state changed in a window; `truncated`: a stage's count covers its newest MAX_STAGE_COUNT only. */
export interface ChangedCounts {
  counts: Record<JobState, number>;
  truncated: boolean;
}

interface IndexEntry {
  member: string;
  score: number;
}

/** Jobs whose last applied view an apply remembers, so a batch needs no read before its write. */
const KNOWN_JOBS = 20_000;
/** Attempts of a batch whose jobs another writer kept changing (each re-plans from what it found). */
const MAX_BATCH_ATTEMPTS = 50;
/** Most events one script applies. */
const EVENTS_PER_SCRIPT = 1000;
const ACTIVE_STATES = JOB_STATE_SYMBOLS.filter((state) => !TERMINAL_STATES.has(state));

/** The Redis-backed view of one namespace (layout at the top of this file). */
export function createStatusView(options: StatusViewOptions): StatusView {
  const { redis, keys, resultTtlSeconds = 86_400, maxExamined = MAX_EXAMINED } = options;
  if (!(resultTtlSeconds > 0)) throw new RangeError(`resultTtlSeconds must be above 0, got ${resultTtlSeconds}`);
  const ttlMs = resultTtlSeconds * 1000;
  const expiresAt = (view: JobView): number => (view.finishedAt ?? view.occurredAt) + ttlMs;
  // The views this view last wrote or found, without their results (a plan never needs one:
  // a view an event replaces takes the event's). A job it does not know, or found absent, is
  // assumed new (most events of a job it has not seen are its PENDING); the script checks every
  // assumption. An LRU cache rather than a Map trimmed from its oldest key: once full, a Map's
  // first key is found by stepping over every entry deleted since it last rehashed, and that
  // made a projector's apply several times slower in a long burst (docs/benchmarks.md).
  const known = new LRUCache<string, JobView>({ max: KNOWN_JOBS });
  const remember = (jobId: string, view: JobView | undefined) => {
    if (view === undefined) known.delete(jobId);
    else known.set(jobId, withoutResult(view));
  };

  async function applyBatch(events: readonly JobStatusEvent[]): Promise<BatchOutcome[]> {
    const currents = new Map<string, JobView | undefined>();
    for (const { jobId } of events) if (!currents.has(jobId)) currents.set(jobId, known.peek(jobId));
    for (let attempt = 1; attempt <= MAX_BATCH_ATTEMPTS; attempt += 1) {
      const plan = planStatusBatch(currents, events);
      let conflicts: Map<string, string | null>;
      try {
        conflicts = await writeStatusBatch(redis, scriptPayload(keys, plan, expiresAt, ACTIVE_STATES));
      } catch (error) {
        known.clear();
        throw error;
      }
      if (conflicts.size === 0) {
        for (const { after } of plan.changes) remember(after.jobId, after);
        return plan.outcomes;
      }
      for (const [jobId, raw] of conflicts) {
        const found = raw === null ? undefined : withoutResult(JSON.parse(raw) as JobView);
        currents.set(jobId, found);
        remember(jobId, found);
      }
    }
    throw new Error(
      `${events.length} status events: their jobs kept changing during ${MAX_BATCH_ATTEMPTS} attempts to apply`,
    );
  }

  // Applies run one batch at a time, so a batch's plan starts from what the previous one wrote.
  let queue: Promise<unknown> = Promise.resolve();
  function inTurn(events: readonly JobStatusEvent[]): Promise<BatchOutcome[]> {
    const run = queue.then(async () => {
      // One script per slice: a script blocks Redis while it runs.
      const outcomes: BatchOutcome[] = [];
      for (let start = 0; start < events.length; start += EVENTS_PER_SCRIPT) {
        outcomes.push(...(await applyBatch(events.slice(start, start + EVENTS_PER_SCRIPT))));
      }
      return outcomes;
    });
    // The queue only orders applies; each caller still gets its own failure through `run`.
    queue = run.catch(() => undefined);
    return run;
  }

  /** Index entries after `after` (exclusive), newest first, at most `count`. */
  async function page(key: string, after: IndexEntry | undefined, count: number): Promise<IndexEntry[]> {
    const pairs = (flat: string[], score?: number): IndexEntry[] =>
      score === undefined
        ? Array.from({ length: flat.length / 2 }, (_, i) => ({ member: flat[2 * i]!, score: Number(flat[2 * i + 1]) }))
        : flat.map((member) => ({ member, score }));
    if (after === undefined) {
      return pairs(await redis.zrange(key, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES'));
    }
    // Equal scores are ordered by member, descending under REV: the tie is resolved by member.
    const tied = pairs(await redis.zrange(key, after.score, after.score, 'BYSCORE', 'REV'), after.score)
      .filter((entry) => entry.member < after.member)
      .slice(0, count);
    if (tied.length === count) return tied;
    const older = await redis.zrange(
      key,
      `(${after.score}`,
      '-inf',
      'BYSCORE',
      'REV',
      'LIMIT',
      0,
      count - tied.length,
      'WITHSCORES',
    );
    return [...tied, ...pairs(older)];
  }

  async function batchCounts(batchId: string): Promise<BatchCounts | undefined> {
    const raw = await redis.hgetall(keys.batch(batchId));
    if (Object.keys(raw).length === 0) return undefined;
    return Object.fromEntries(JOB_STATE_SYMBOLS.map((state) => [state, Number(raw[state] ?? 0)])) as BatchCounts;
  }

  async function batchDeclaration(batchId: string): Promise<BatchDeclaration | undefined> {
    const json = await redis.get(keys.batchDeclaration(batchId));
    return json === null ? undefined : declarationFromJson(json);
  }

  /** The views of `jobIds` in one read, with their results when `withResults`; undefined for an unknown job. */
  async function read(jobIds: readonly string[], withResults: boolean): Promise<(JobView | undefined)[]> {
    if (jobIds.length === 0) return [];
    if (!withResults) {
      const raws = await redis.mget(jobIds.map((jobId) => keys.job(jobId)));
      // `withoutResult`: a view stored before results were apart holds its own.
      return raws.map((raw) => {
        const view = viewOf(raw, null);
        return view && withoutResult(view);
      });
    }
    const raws = await redis.mget(jobIds.flatMap((jobId) => [keys.job(jobId), keys.result(jobId)]));
    return jobIds.map((_, i) => viewOf(raws[2 * i] ?? null, raws[2 * i + 1] ?? null));
  }

  /**
   * The index a listing reads, and what belongs in it: the batch's; else the smaller of the
   * state's and the stage's (SUCCESS of a stage after another stage's burst would otherwise look
   * through that burst first); else the one given, else all. The other filters are checked on
   * each job. Every index is scored alike, so a cursor holds whichever one the next page reads.
   */
  async function indexOf({ state, stage, batchId }: ListOptions): Promise<[string, (view: JobView) => boolean]> {
    const ofBatch = (view: JobView) => view.batchId === batchId;
    const ofState = (view: JobView) => view.state === state;
    const ofStage = (view: JobView) => view.stage === stage;
    if (batchId !== undefined) return [keys.batchJobs(batchId), ofBatch];
    if (state !== undefined && stage !== undefined) {
      const [inState, inStage] = await Promise.all([redis.zcard(keys.state(state)), redis.zcard(keys.stage(stage))]);
      return inStage < inState ? [keys.stage(stage), ofStage] : [keys.state(state), ofState];
    }
    if (state !== undefined) return [keys.state(state), ofState];
    if (stage !== undefined) return [keys.stage(stage), ofStage];
    return [keys.all, () => true];
  }

  async function list(options: ListOptions): Promise<JobPage> {
    const { state, stage, limit, cursor, withResults = true, search, workerId } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`limit ${limit}: 1 to 1000`);
    const [key, belongs] = await indexOf(options);
    const text = search?.toLowerCase();
    const unindexed = text !== undefined || workerId !== undefined;
    const matches = (view: JobView) =>
      (state === undefined || view.state === state) &&
      (stage === undefined || view.stage === stage) &&
      (workerId === undefined || view.workerId === workerId) &&
      (text === undefined || [view.payloadPreview, view.error?.message].some((s) => s?.toLowerCase().includes(text)));
    const jobs: JobView[] = [];
    let position = cursor === undefined ? undefined : decodeCursor(cursor);
    let examined = 0;
    while (jobs.length < limit) {
      if (examined >= maxExamined) {
        const more = (await page(key, position, 1)).length > 0;
        return { jobs, nextCursor: more ? encodeCursor(position!) : null };
      }
      const wanted = Math.min(unindexed ? UNINDEXED_FILTER_PAGE : limit - jobs.length, maxExamined - examined);
      const entries = await page(key, position, wanted);
      if (entries.length === 0) return { jobs, nextCursor: null };
      examined += entries.length;
      // With a filter no index answers, a read covers many jobs: results are read for the matches only.
      const views = await read(
        entries.map((entry) => entry.member),
        withResults && !unindexed,
      );
      // Expired jobs, and entries left behind when a job came back after expiring, go now.
      const orphans: string[] = [];
      const found: JobView[] = [];
      entries.forEach((entry, i) => {
        const view = views[i];
        if (view === undefined || !belongs(view)) orphans.push(entry.member);
        // A page read past the limit (a filter no index answers) stops at it: the cursor is its last job.
        else if (matches(view) && jobs.length + found.length < limit) found.push(view);
      });
      if (orphans.length > 0) await redis.zrem(key, ...orphans);
      if (withResults && unindexed && found.length > 0) {
        const whole = await read(
          found.map((view) => view.jobId),
          true,
        );
        // A job that expired since the first read is left out, as the next listing would.
        jobs.push(...whole.filter((view) => view !== undefined));
      } else jobs.push(...found);
      position = entries.at(-1);
    }
    const last = jobs.at(-1)!;
    return { jobs, nextCursor: encodeCursor({ member: last.jobId, score: last.updatedAt }) };
  }

  return {
    applyBatch: inTurn,
    async apply(event) {
      const [outcome] = await inTurn([event]);
      return outcome!;
    },
    async get(jobId) {
      const [view] = await read([jobId], true);
      return view;
    },
    getMany: (jobIds) => read(jobIds, true),
    list,
    batchCounts,
    async batch(batchId) {
      const [counts, declaration] = await Promise.all([batchCounts(batchId), batchDeclaration(batchId)]);
      return batchViewOf(batchId, counts, declaration);
    },
    async storeBatchDeclaration(declaration) {
      const { batchId, followUp } = declaration;
      const forBatchLife = (key: string, value: string) =>
        setForBatchLife(redis, key, keys.batch(batchId), { value, unknownBatchTtlMs: ttlMs });
      await Promise.all([
        forBatchLife(keys.batchDeclaration(batchId), declarationToJson(declaration)),
        ...(followUp === null ? [] : [forBatchLife(keys.followUpBatch(followUp.jobId), batchId)]),
      ]);
    },
    batchDeclaration,
    async declaredFollowUp(jobId) {
      const batchId = await redis.get(keys.followUpBatch(jobId));
      const followUp = batchId === null ? undefined : (await batchDeclaration(batchId))?.followUp;
      return followUp?.jobId === jobId && batchId !== null ? { batchId, followUp } : undefined;
    },
    claimFollowUp: (batchId, token, leaseMs) => claimMarker(redis, keys.followUpMarker(batchId), token, leaseMs),
    async confirmFollowUp(batchId) {
      // The marker is not among the keys the applies expire, so it never goes without an expiry.
      await setForBatchLife(redis, keys.followUpMarker(batchId), keys.batch(batchId), {
        value: MARKER_DONE,
        unknownBatchTtlMs: ttlMs,
        activeBatchTtlMs: ttlMs,
      });
    },
    releaseFollowUp: (batchId, token) => releaseMarker(redis, keys.followUpMarker(batchId), token),
    async countsByStageAndState(stages) {
      // Jobs of a stage in a state are the intersection of the two indexes.
      const pairs = stages.flatMap((stage) => JOB_STATE_SYMBOLS.map((state) => ({ stage, state })));
      const pipeline = redis.pipeline();
      for (const { stage, state } of pairs) pipeline.call('ZINTERCARD', 2, keys.state(state), keys.stage(stage));
      const replies = (await pipeline.exec()) ?? [];
      return pairs.map((pair, i) => {
        const [error, count] = replies[i] ?? [new Error('no reply'), 0];
        if (error) throw error;
        return { ...pair, count: Number(count) };
      });
    },
    async countChangedSince(since, stage) {
      const pipeline = redis.pipeline();
      if (stage === undefined) {
        for (const state of JOB_STATE_SYMBOLS) pipeline.zcount(keys.state(state), since, '+inf');
        return { counts: countsPerState(await pipeline.exec(), (reply) => Number(reply)), truncated: false };
      }
      // The state indexes span every stage: the stage's jobs of the window (the newest
      // MAX_STAGE_COUNT of them: a burst's minute would send Redis megabytes), then each state's index.
      const ids = await redis.zrevrangebyscore(keys.stage(stage), '+inf', since, 'LIMIT', 0, MAX_STAGE_COUNT + 1);
      const truncated = ids.length > MAX_STAGE_COUNT;
      if (truncated) ids.pop();
      if (ids.length === 0) return { counts: countsPerState([], () => 0), truncated };
      for (const state of JOB_STATE_SYMBOLS) pipeline.zmscore(keys.state(state), ...ids);
      const counts = countsPerState(await pipeline.exec(), (reply) =>
        (reply as (string | null)[]).reduce((count, score) => count + (score === null ? 0 : 1), 0),
      );
      return { counts, truncated };
    },
    async clear() {
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', keys.pattern, 'COUNT', SCAN_COUNT);
        if (found.length > 0) deleted += await redis.unlink(...found);
        known.clear();
        cursor = next;
      } while (cursor !== '0');
      return deleted;
    },
  };
}

/** One count per state, in JOB_STATE_SYMBOLS order, from a pipeline's replies (none: every count is 0). */
function countsPerState(
  replies: [Error | null, unknown][] | null,
  count: (reply: unknown) => number,
): Record<JobState, number> {
  return Object.fromEntries(
    JOB_STATE_SYMBOLS.map((state, i) => {
      const [error, reply] = replies?.[i] ?? [null, 0];
      if (error) throw error;
      return [state, count(reply)];
    }),
  ) as Record<JobState, number>;
}

/** A job's view from its stored JSON and its result's (null: none stored apart; an older view may hold it inline). */
function viewOf(rawView: string | null, rawResult: string | null): JobView | undefined {
  if (rawView === null) return undefined;
  const view = JSON.parse(rawView) as JobView;
  if (rawResult !== null) view.result = JSON.parse(rawResult) as JobView['result'];
  return view;
}

function encodeCursor(entry: IndexEntry): string {
  return Buffer.from(`${entry.score}:${entry.member}`).toString('base64url');
}

function decodeCursor(cursor: string): IndexEntry {
  const match = /^(\d+):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new SedanoError('SEDANO_ERR_API_INVALID_CURSOR', `invalid cursor "${cursor}"`);
  }
  return { score: Number(match[1]), member: match[2] };
}
