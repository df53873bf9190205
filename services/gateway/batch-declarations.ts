/**
 * A batch id is declared once. `POST /v1/batches` with a `batchId` claims the id in Redis before
 * anything is produced, with a fingerprint of the declaration (its submitter, jobs and
 * follow-up, as sent): the batches topic is compacted by batch id and the projector keeps the
 * latest declaration, so a second, different declaration would silently replace the first (its
 * size, and its follow-up's request under the same follow-up job id).
 *
 * - No claim yet: one script sets it (unless the view already holds a declaration of the id),
 *   so of two gateways declaring the same id at once only one submits. The claim is kept 7 days
 *   (the idempotency keys' time) with the declaration's fingerprint: while the batch is being
 *   submitted, with the request's lease (60 s); then with the answer (job ids, due times).
 * - The same fingerprint (a client retrying after a lost reply): the first answer again, the
 *   jobs `created: false`, nothing produced; a repeat arriving while the first is still being
 *   submitted waits for its answer (for one lease at most, then 503: try again). The lease is
 *   renewed while the batch is being submitted, however slowly. One arriving after the
 *   submission failed, or after the lease lapsed (the first request's gateway stopped or died),
 *   takes the claim over and submits the batch again (part of it may be on its topics already:
 *   the job ids are new, as for a retry without a batch id).
 * - Another fingerprint, or no claim but a declaration in the status view (declared by another
 *   client of the batches topic, or after the claim expired while the view still holds the
 *   batch): 409 SEDANO_ERR_API_BATCH_REDECLARED.
 *
 * Once submitted, the batch is answered even if Redis fails to record the answer.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../topology/redis-keys.ts';
import type { SubmittedJob } from '../lib/job-client.ts';
import { LEDGER_TTL_SECONDS } from '../lib/runtime/job-ledger.ts';
import { apiError } from './errors.ts';

/** What the answer to a declaration names: each job (in the body's order) and the follow-up. */
export interface DeclaredBatch {
  jobs: Pick<SubmittedJob, 'jobId' | 'stage' | 'priority' | 'notBefore' | 'expiresAt'>[];
  followUpJobId: string | null;
}

/** What a declaration is told apart by: who sent it, its jobs and its follow-up, as sent. */
export interface BatchDeclarationRequest {
  submitter: string;
  jobs: readonly unknown[];
  followUp?: unknown;
}

export interface BatchDeclarationStores {
  redis: Redis;
  keys: Pick<RedisKeys, 'batchClaim' | 'status'>;
}

export interface DeclareBatchOptions {
  /** How long a claim whose batch is being submitted holds, in ms (default 60,000). */
  leaseMs?: number;
  /** How often a repeat waiting for the first answer looks again, in ms (default 50). */
  pollIntervalMs?: number;
}

/** The value with every object's keys in order, so equal declarations serialise alike (pure). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, field]) => field !== undefined);
  return Object.fromEntries(
    entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, field]) => [key, canonical(field)]),
  );
}

/** The SHA-256 of a declaration's canonical JSON (pure): the same for an exact repeat, whatever its key order. */
export function batchFingerprint({ submitter, jobs, followUp }: BatchDeclarationRequest): string {
  const text = JSON.stringify(canonical({ submitter, jobs, followUp: followUp ?? null }));
  return createHash('sha256').update(text).digest('hex');
}

/**
 * KEYS[1] the claim, KEYS[2] the view's declaration of the batch. Returns the claim held (JSON),
 * '' when there is none but the view has a declaration, or nil once ARGV[1] claims it for ARGV[2] s.
 */
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held then return held end
if redis.call('EXISTS', KEYS[2]) == 1 then return '' end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return false`;

/** KEYS[1] = ARGV[2] for ARGV[3] s if it still holds ARGV[1] (this request's claim); 1 if so. */
const SWAP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

interface Claim<B extends DeclaredBatch = DeclaredBatch> {
  fingerprint: string;
  /** While the batch is being submitted: the claiming request's token, and when its lease ends (ms). */
  token?: string;
  leaseUntil?: number;
  /** The submission failed: an exact repeat submits it again. */
  failed?: true;
  /** Once it was submitted: the answer. */
  batch?: B;
}

/** A claim this module wrote; undefined for anything else under its key. */
function parseClaim<B extends DeclaredBatch>(text: string): Claim<B> | undefined {
  try {
    const claim = JSON.parse(text) as Partial<Claim<B>> | null;
    return typeof claim?.fingerprint === 'string' ? (claim as Claim<B>) : undefined;
  } catch {
    return undefined;
  }
}

function redeclared(batchId: string) {
  return apiError(
    'SEDANO_ERR_API_BATCH_REDECLARED',
    `batch ${batchId} is already declared with other jobs, another follow-up or by another token; ` +
      'only an exact repeat of its declaration is answered again (use a new batch id for another batch)',
  );
}

/**
 * Submits a batch under `batchId` once: `submit` runs only for the first declaration of the id,
 * and its answer is kept; an exact repeat gets that answer (`created: false`); another
 * declaration a 409 SEDANO_ERR_API_BATCH_REDECLARED.
 */
export async function declareBatchOnce<B extends DeclaredBatch>(
  { redis, keys }: BatchDeclarationStores,
  batchId: string,
  fingerprint: string,
  submit: () => Promise<B>,
  { leaseMs = 60_000, pollIntervalMs = 50 }: DeclareBatchOptions = {},
): Promise<{ batch: B; created: boolean }> {
  const claimKey = keys.batchClaim(batchId);
  // A waiting repeat outlives the first request's lease by one poll at most: then it takes over.
  const deadline = performance.now() + leaseMs + pollIntervalMs;
  for (;;) {
    const mine = JSON.stringify({ fingerprint, token: randomUUID(), leaseUntil: Date.now() + leaseMs } satisfies Claim);
    const held = (await redis.eval(
      CLAIM,
      2,
      claimKey,
      keys.status.batchDeclaration(batchId),
      mine,
      LEDGER_TTL_SECONDS,
    )) as string | null;
    if (held === null)
      return { batch: await submitClaimed(redis, claimKey, mine, fingerprint, submit, leaseMs), created: true };
    const earlier = parseClaim<B>(held);
    if (earlier === undefined || earlier.fingerprint !== fingerprint) throw redeclared(batchId);
    if (earlier.batch !== undefined) return { batch: earlier.batch, created: false };
    // The same declaration, whose submission failed or whose request went away (its lease
    // lapsed): this repeat takes the claim over, unless another took it first.
    if (earlier.failed === true || (earlier.leaseUntil ?? 0) < Date.now()) {
      const taken = (await redis.eval(SWAP, 1, claimKey, held, mine, LEDGER_TTL_SECONDS)) as number;
      if (taken === 1)
        return { batch: await submitClaimed(redis, claimKey, mine, fingerprint, submit, leaseMs), created: true };
      continue;
    }
    if (performance.now() >= deadline) {
      throw apiError(
        'SEDANO_ERR_API_UNAVAILABLE',
        `batch ${batchId} is still being submitted by an earlier request with the same declaration; try again`,
      );
    }
    await sleep(pollIntervalMs);
  }
}

async function submitClaimed<B extends DeclaredBatch>(
  redis: Redis,
  claimKey: string,
  mine: string,
  fingerprint: string,
  submit: () => Promise<B>,
  leaseMs: number,
): Promise<B> {
  const lease = holdLease(redis, claimKey, mine, leaseMs);
  let batch: B;
  try {
    batch = await submit();
  } catch (error) {
    // Part of it may be on its topics already (the declaration goes first), so the id is not
    // freed, which would make the view's declaration refuse the retry: the claim says the
    // submission failed, and an exact repeat submits it again.
    const failed = JSON.stringify({ fingerprint, failed: true } satisfies Claim);
    await redis.eval(SWAP, 1, claimKey, await lease.stop(), failed, LEDGER_TTL_SECONDS).catch(() => {});
    throw error;
  }
  const done = JSON.stringify({ fingerprint, batch } satisfies Claim);
  // The batch is submitted: its answer goes to the client even if Redis fails now (a repeat
  // then waits out the lease and submits it again, as a retry without a claim would).
  await redis.eval(SWAP, 1, claimKey, await lease.stop(), done, LEDGER_TTL_SECONDS).catch(() => {});
  return batch;
}

/**
 * Renews the claim's lease every third of it while its batch is being submitted, so a repeat
 * takes over only from a request that went away (its gateway stopped or died), never from one
 * whose submission is slow (a broker that stalls for longer than the lease): that would submit
 * the batch twice. A renewal that fails (Redis away) is tried again at the next turn. `stop`
 * waits for a renewal in flight and gives the claim's value as it now stands.
 */
function holdLease(redis: Redis, claimKey: string, claim: string, leaseMs: number): { stop(): Promise<string> } {
  let held = claim;
  let stopped = false;
  let renewal: Promise<void> = Promise.resolve();
  const renew = async () => {
    const renewed = JSON.stringify({ ...(JSON.parse(held) as Claim), leaseUntil: Date.now() + leaseMs });
    const swapped = (await redis.eval(SWAP, 1, claimKey, held, renewed, LEDGER_TTL_SECONDS).catch(() => 0)) as number;
    if (swapped === 1) held = renewed;
  };
  const timer = setInterval(() => {
    if (!stopped) renewal = renewal.then(renew);
  }, leaseMs / 3);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await renewal;
      return held;
    },
  };
}
