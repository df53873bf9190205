/**
 * The status view: the latest state of every job, projected from the status topic into Redis
 * (DESIGN.md section 3). `applyStatusEvent` holds the precedence rules as a pure function;
 * `createStatusView` stores its outcome with indexes and batch counts.
 *
 * Redis layout (`keys.status`, topology/redis-keys.ts; with the default namespace, `sedano:status:…`):
 * - `job:<jobId>`: the JobView as JSON; a terminal job expires `resultTtlSeconds` after it finished.
 * - `index:all`, `index:state:<STATE>`, `index:stage:<STAGE>`, `index:batch:<batchId>`: sorted sets
 *   of job ids scored by `updatedAt`; entries of expired jobs are dropped when a listing meets them.
 * - `batch:<batchId>`: hash of job counts per state; it and the batch index expire with the batch's
 *   last result once no job of the batch is still active.
 * - `batch:<batchId>:declaration`: the batch's declaration (size, follow-up) as JSON
 *   (services/lib/batch-view.ts), from the batches topic; it expires with the batch, or
 *   `resultTtlSeconds` after it was stored while the view has seen no job of the batch.
 * - `batch:<batchId>:follow-up-submitted`: the follow-up's marker: a claim token (with a lease)
 *   while one projector submits it, then `submitted`, which expires with the batch.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { BatchDeclaration } from '../../schemas/batch-declaration.ts';
import type { JobError } from '../../schemas/job-error.ts';
import type { JobState } from '../../schemas/job-state.ts';
import { JOB_STATE_SYMBOLS } from '../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { JobType } from '../../schemas/job-type.ts';
import type { Stage } from '../../schemas/stage.ts';
import type { StatusViewKeys } from '../../topology/redis-keys.ts';
import { SedanoError } from './errors.ts';
import { claimMarker, MARKER_DONE, type MarkerClaim, releaseMarker, setForBatchLife } from './batch-scripts.ts';
import type { BatchCounts } from './batch-state.ts';
import { type BatchView, batchViewOf, declarationFromJson, declarationToJson } from './batch-view.ts';

/** An avsc-wrapped union (`{ "sedano.X": {…} }`) as a plain object whose `kind` names the branch. */
export type Unwrapped<W> = W extends unknown ? { [K in keyof W]: W[K] & { kind: K } }[keyof W] : never;

/** Stage-specific progress, unwrapped; `kind` is the branch's full name, e.g. `sedano.IndexingProgress`. */
export type ProgressDetailsView = Unwrapped<NonNullable<NonNullable<JobStatusEvent['progress']>['details']>>;
/** A job's result, unwrapped; `kind` is the branch's full name, e.g. `sedano.NoopResult`. */
export type JobResultView = Unwrapped<NonNullable<JobStatusEvent['result']>>;

export interface ProgressView {
  current: number;
  total: number;
  /** Completion in [0, 100]. */
  percent: number;
  message: string | null;
  details: ProgressDetailsView | null;
}

/** What the view knows about one job: its last applied status event, as plain JSON. */
export interface JobView {
  jobId: string;
  jobType: JobType;
  stage: Stage;
  state: JobState;
  sequence: number;
  attempt: number;
  progress: ProgressView | null;
  result: JobResultView | null;
  error: JobError | null;
  /** Times in milliseconds since the epoch (UTC). */
  submittedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  nextAttemptAt: number | null;
  occurredAt: number;
  /** `occurredAt` of the last applied event: the score of the job in every index. */
  updatedAt: number;
  batchId: string | null;
  workerId: string | null;
  traceId: string | null;
}

/** Why an event left the view unchanged. */
export type IgnoredReason = 'stale' | 'duplicate' | 'terminal';

export type ApplyOutcome =
  { view: JobView; applied: true } | { view: JobView | undefined; applied: false; reason: IgnoredReason };

/** States after which nothing changes a job. */
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set<JobState>(['SUCCESS', 'FAILURE', 'REVOKED']);

function unwrap<W extends object>(wrapped: W | null): Unwrapped<W> | null {
  const entry = wrapped === null ? undefined : Object.entries(wrapped)[0];
  // `kind` last, so a branch's own field can never hide which branch it is.
  return entry === undefined ? null : ({ ...(entry[1] as object), kind: entry[0] } as Unwrapped<W>);
}

function viewOf(event: JobStatusEvent, current: JobView | undefined): JobView {
  const { progress } = event;
  return {
    jobId: event.jobId,
    jobType: event.jobType,
    stage: event.stage,
    state: event.state,
    sequence: event.sequence,
    attempt: event.attempt,
    progress: progress && { ...progress, details: unwrap(progress.details) },
    result: unwrap(event.result),
    error: event.error && { ...event.error },
    // Emitters that do not know when the job was accepted or its attempt started leave these
    // (and the batch and trace, which never change for a job) out: the first value seen stays.
    submittedAt: event.submittedAt ?? current?.submittedAt ?? null,
    startedAt: event.startedAt ?? current?.startedAt ?? null,
    finishedAt: event.finishedAt,
    nextAttemptAt: event.nextAttemptAt,
    occurredAt: event.occurredAt,
    updatedAt: event.occurredAt,
    batchId: event.batchId ?? current?.batchId ?? null,
    workerId: event.workerId,
    traceId: event.traceId ?? current?.traceId ?? null,
  };
}

function wrap<K extends string>(unwrapped: ({ kind: K } & object) | null): Record<K, object> | null {
  if (unwrapped === null) return null;
  const { kind, ...fields } = unwrapped;
  return { [kind]: fields } as Record<K, object>;
}

/**
 * The status event that leads to `view` (pure): the inverse of applying it, used to state a
 * job's terminal event again (services/status-projector/restate.ts).
 */
export function eventOfView(view: JobView): JobStatusEvent {
  const { progress } = view;
  return {
    jobId: view.jobId,
    jobType: view.jobType,
    stage: view.stage,
    state: view.state,
    sequence: view.sequence,
    attempt: view.attempt,
    progress: progress && { ...progress, details: wrap(progress.details) as JobProgressDetails },
    result: wrap(view.result) as JobStatusEvent['result'],
    error: view.error && { ...view.error },
    occurredAt: view.occurredAt,
    submittedAt: view.submittedAt,
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    nextAttemptAt: view.nextAttemptAt,
    batchId: view.batchId,
    workerId: view.workerId,
    traceId: view.traceId,
  };
}

type JobProgressDetails = NonNullable<JobStatusEvent['progress']>['details'];

/**
 * The view after `event`, given the job's current view (pure). A lower sequence than the
 * stored one is stale, the same sequence a duplicate, and a terminal job never changes; so
 * redelivered and reordered events are harmless. Neither argument is modified.
 */
export function applyStatusEvent(current: JobView | undefined, event: JobStatusEvent): ApplyOutcome {
  if (current === undefined) return { view: viewOf(event, undefined), applied: true };
  if (current.jobId !== event.jobId) throw new RangeError(`event of job ${event.jobId} applied to ${current.jobId}`);
  if (event.sequence < current.sequence) return { view: current, applied: false, reason: 'stale' };
  if (event.sequence === current.sequence) return { view: current, applied: false, reason: 'duplicate' };
  if (TERMINAL_STATES.has(current.state)) return { view: current, applied: false, reason: 'terminal' };
  return { view: viewOf(event, current), applied: true };
}

export interface StatusViewOptions {
  /** A connection on which nothing else runs MULTI/EXEC (EXEC drops this view's WATCHes). */
  redis: Redis;
  /** The view's keys (`redisKeys(namespace).status`). */
  keys: StatusViewKeys;
  /** How long a finished job stays in the view after `finishedAt`, in seconds (default 86 400). */
  resultTtlSeconds?: number;
}

export interface ListOptions {
  state?: JobState;
  stage?: Stage;
  batchId?: string;
  /** Jobs per page, 1 to 1000. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
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
  get(jobId: string): Promise<JobView | undefined>;
  list(options: ListOptions): Promise<JobPage>;
  /** Undefined for a batch the view does not know (or whose results expired). */
  batchCounts(batchId: string): Promise<BatchCounts | undefined>;
  /** Counts, declared size, follow-up and summary; undefined for a batch the view does not know. */
  batch(batchId: string): Promise<BatchView | undefined>;
  /** Stores (or stores again, unchanged) a batch's declaration; it expires with the batch. */
  storeBatchDeclaration(declaration: BatchDeclaration): Promise<void>;
  batchDeclaration(batchId: string): Promise<BatchDeclaration | undefined>;
  /** Claims the submission of a batch's follow-up with `token` for `leaseMs` (SET NX). */
  claimFollowUp(batchId: string, token: string, leaseMs: number): Promise<FollowUpClaim>;
  /** Marks the follow-up submitted (after its request and PENDING were produced); it expires with the batch. */
  confirmFollowUp(batchId: string): Promise<void>;
  /** Drops the claim `token` holds (its submission failed), so the next check may claim it. */
  releaseFollowUp(batchId: string, token: string): Promise<void>;
  /** Jobs per stage and state, for each of `stages` (the schema's symbols, e.g. `NOOP`) and every state. */
  countsByStageAndState(stages: readonly Stage[]): Promise<{ stage: Stage; state: JobState; count: number }[]>;
  /** Deletes every key of the view; resolves with how many. */
  clear(): Promise<number>;
}

const MAX_WATCH_ATTEMPTS = 50;
const SCAN_COUNT = 500;

interface IndexEntry {
  member: string;
  score: number;
}

type Keys = StatusViewKeys;

interface BatchSnapshot {
  id: string;
  /** The batch hash as read under WATCH. */
  counts: Record<string, string>;
  /** Its PEXPIRETIME: negative when it has no expiry or does not exist. */
  expireAt: number;
}

/** Queues the batch writes of one job's change: counts, index entry, and the batch's expiry. */
function writeBatch(tx: ChainableCommander, keys: Keys, batch: BatchSnapshot, change: JobChange): void {
  const { current, view, expireAt } = change;
  const counts = new Map(Object.entries(batch.counts).map(([state, n]) => [state, Number(n)]));
  const delta = new Map<JobState, number>();
  if (current?.batchId === batch.id) delta.set(current.state, -1);
  if (view.batchId === batch.id) delta.set(view.state, (delta.get(view.state) ?? 0) + 1);
  for (const [state, n] of delta) {
    if (n === 0) continue;
    counts.set(state, (counts.get(state) ?? 0) + n);
    tx.hincrby(keys.batch(batch.id), state, n);
  }
  if (view.batchId === batch.id) tx.zadd(keys.batchJobs(batch.id), view.updatedAt, view.jobId);
  else tx.zrem(keys.batchJobs(batch.id), view.jobId);
  const active = JOB_STATE_SYMBOLS.some((state) => !TERMINAL_STATES.has(state) && (counts.get(state) ?? 0) > 0);
  // The follow-up marker is left out: its claim lease must run out even if the batch turns active.
  for (const key of [keys.batch(batch.id), keys.batchJobs(batch.id), keys.batchDeclaration(batch.id)]) {
    // A batch lives while any of its jobs is active, then as long as its last result.
    if (active) tx.persist(key);
    else tx.pexpireat(key, Math.max(batch.expireAt, expireAt));
  }
}

interface JobChange {
  current: JobView | undefined;
  view: JobView;
  /** When the new view expires if it is terminal, in milliseconds since the epoch. */
  expireAt: number;
}

/** Queues the writes of one job's change: its JSON, its index entries, its batches. */
function writeChange(tx: ChainableCommander, keys: Keys, change: JobChange, batches: BatchSnapshot[]): void {
  const { current, view, expireAt } = change;
  const json = JSON.stringify(view);
  if (TERMINAL_STATES.has(view.state)) tx.set(keys.job(view.jobId), json, 'PXAT', expireAt);
  else tx.set(keys.job(view.jobId), json);
  const move = (from: string | undefined, to: string) => {
    if (from !== undefined && from !== to) tx.zrem(from, view.jobId);
    tx.zadd(to, view.updatedAt, view.jobId);
  };
  tx.zadd(keys.all, view.updatedAt, view.jobId);
  move(current && keys.state(current.state), keys.state(view.state));
  move(current && keys.stage(current.stage), keys.stage(view.stage));
  for (const batch of batches) writeBatch(tx, keys, batch, change);
}

/** The Redis-backed view of one namespace (layout at the top of this file). */
export function createStatusView({ redis, keys, resultTtlSeconds = 86_400 }: StatusViewOptions): StatusView {
  if (!(resultTtlSeconds > 0)) throw new RangeError(`resultTtlSeconds must be above 0, got ${resultTtlSeconds}`);
  const ttlMs = resultTtlSeconds * 1000;
  const expiresAt = (view: JobView): number => (view.finishedAt ?? view.occurredAt) + ttlMs;

  /** One optimistic attempt; null when a watched key changed before EXEC. */
  async function applyOnce(event: JobStatusEvent): Promise<(ApplyOutcome & { created: boolean }) | null> {
    const jobKey = keys.job(event.jobId);
    await redis.watch(jobKey);
    const raw = await redis.get(jobKey);
    const current = raw === null ? undefined : (JSON.parse(raw) as JobView);
    const outcome = applyStatusEvent(current, event);
    if (!outcome.applied) {
      await redis.unwatch();
      return { ...outcome, created: false };
    }
    const { view } = outcome;
    const batchIds = [...new Set([current?.batchId, view.batchId])].filter((id) => id != null);
    // The batch hashes decide their own expiry from the counts, so they are watched too.
    if (batchIds.length > 0) await redis.watch(...batchIds.map(keys.batch));
    const batches = await Promise.all(
      batchIds.map(async (id): Promise<BatchSnapshot> => ({
        id,
        counts: await redis.hgetall(keys.batch(id)),
        expireAt: await redis.pexpiretime(keys.batch(id)),
      })),
    );
    const tx = redis.multi();
    writeChange(tx, keys, { current, view, expireAt: expiresAt(view) }, batches);
    const replies = await tx.exec();
    if (replies === null) return null;
    const failure = replies.find(([error]) => error !== null)?.[0];
    if (failure) throw failure;
    return { ...outcome, created: current === undefined };
  }

  // WATCH belongs to the connection: two applies interleaved on it would drop each other's
  // watches, so this view runs its applies one at a time.
  let queue: Promise<unknown> = Promise.resolve();

  async function applyWithRetry(event: JobStatusEvent): Promise<ApplyOutcome & { created: boolean }> {
    for (let attempt = 1; attempt <= MAX_WATCH_ATTEMPTS; attempt += 1) {
      const result = await applyOnce(event).catch(async (error: unknown) => {
        await redis.unwatch().catch(() => undefined);
        throw error;
      });
      if (result !== null) return result;
    }
    throw new Error(`job ${event.jobId}: its keys kept changing during ${MAX_WATCH_ATTEMPTS} attempts to apply`);
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

  async function list({ state, stage, batchId, limit, cursor }: ListOptions): Promise<JobPage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`limit ${limit}: 1 to 1000`);
    // The most selective index is read; the other filters are checked on each job.
    const [key, belongs] =
      batchId !== undefined
        ? [keys.batchJobs(batchId), (view: JobView) => view.batchId === batchId]
        : state !== undefined
          ? [keys.state(state), (view: JobView) => view.state === state]
          : stage !== undefined
            ? [keys.stage(stage), (view: JobView) => view.stage === stage]
            : [keys.all, () => true];
    const matches = (view: JobView) =>
      (state === undefined || view.state === state) && (stage === undefined || view.stage === stage);
    const jobs: JobView[] = [];
    let position = cursor === undefined ? undefined : decodeCursor(cursor);
    while (jobs.length < limit) {
      const entries = await page(key, position, limit - jobs.length);
      if (entries.length === 0) return { jobs, nextCursor: null };
      const raws = await redis.mget(entries.map((entry) => keys.job(entry.member)));
      // Expired jobs, and entries left behind when a job came back after expiring, go now.
      const orphans: string[] = [];
      entries.forEach((entry, i) => {
        const view = raws[i] == null ? undefined : (JSON.parse(raws[i]) as JobView);
        if (view === undefined || !belongs(view)) orphans.push(entry.member);
        else if (matches(view)) jobs.push(view);
      });
      if (orphans.length > 0) await redis.zrem(key, ...orphans);
      position = entries.at(-1);
    }
    const last = jobs.at(-1)!;
    return { jobs, nextCursor: encodeCursor({ member: last.jobId, score: last.updatedAt }) };
  }

  return {
    apply(event) {
      const run = queue.then(() => applyWithRetry(event));
      // The queue only orders applies; each caller still gets its own failure through `run`.
      queue = run.catch(() => undefined);
      return run;
    },
    async get(jobId) {
      const raw = await redis.get(keys.job(jobId));
      return raw === null ? undefined : (JSON.parse(raw) as JobView);
    },
    list,
    batchCounts,
    async batch(batchId) {
      const [counts, declaration] = await Promise.all([batchCounts(batchId), batchDeclaration(batchId)]);
      return batchViewOf(batchId, counts, declaration);
    },
    async storeBatchDeclaration(declaration) {
      const { batchId } = declaration;
      await setForBatchLife(redis, keys.batchDeclaration(batchId), keys.batch(batchId), {
        value: declarationToJson(declaration),
        unknownBatchTtlMs: ttlMs,
      });
    },
    batchDeclaration,
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
    async clear() {
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', keys.pattern, 'COUNT', SCAN_COUNT);
        if (found.length > 0) deleted += await redis.unlink(...found);
        cursor = next;
      } while (cursor !== '0');
      return deleted;
    },
  };
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
