/**
 * Redis scripts of the status view's batch keys (layout in status-view.ts): a value that lives
 * as long as its batch, and a marker claimed with a lease then marked done. Scripts, so each
 * read-then-write is atomic without WATCH.
 */
import type { Redis } from 'ioredis';

/** A marker's value once the work it guards is done; a claim holds a random token instead. */
export const MARKER_DONE = 'submitted';

/** What claiming a marker found: `claimed` (by this caller), `submitted` (done), `held` (another claim's lease runs). */
export type MarkerClaim = 'claimed' | 'submitted' | 'held';

/**
 * KEYS[1] = ARGV[1] for as long as the batch hash KEYS[2] lives: until its expiry; while it has
 * none (the batch is active) forever when ARGV[3] is empty (the view's applies set it later),
 * otherwise ARGV[3] ms; and ARGV[2] ms when the batch hash does not exist.
 */
const SET_FOR_BATCH_LIFE = `
local expireAt = redis.call('PEXPIRETIME', KEYS[2])
if expireAt > 0 then return redis.call('SET', KEYS[1], ARGV[1], 'PXAT', expireAt) end
if expireAt == -1 and ARGV[3] == '' then return redis.call('SET', KEYS[1], ARGV[1]) end
if expireAt == -1 then return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3]) end
return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])`;

const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 'claimed' end
if redis.call('GET', KEYS[1]) == '${MARKER_DONE}' then return 'submitted' end
return 'held'`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface BatchLifeOptions {
  value: string;
  /** How long the value lives when the batch is not in the view (yet, or any more), in ms. */
  unknownBatchTtlMs: number;
  /** How long it lives while the batch is active; undefined: until the batch's last result sets its expiry. */
  activeBatchTtlMs?: number;
}

/** Sets `key` to live as long as the batch whose count hash is `batchKey`. */
export async function setForBatchLife(
  redis: Redis,
  key: string,
  batchKey: string,
  { value, unknownBatchTtlMs, activeBatchTtlMs }: BatchLifeOptions,
): Promise<void> {
  await redis.eval(SET_FOR_BATCH_LIFE, 2, key, batchKey, value, unknownBatchTtlMs, activeBatchTtlMs ?? '');
}

/** Claims `key` with `token` for `leaseMs` unless it is claimed or done (SET NX). */
export async function claimMarker(redis: Redis, key: string, token: string, leaseMs: number): Promise<MarkerClaim> {
  if (!(Number.isInteger(leaseMs) && leaseMs > 0)) throw new RangeError(`leaseMs must be above 0, got ${leaseMs}`);
  if (token === MARKER_DONE) throw new RangeError(`"${MARKER_DONE}" cannot be a claim token`);
  return (await redis.eval(CLAIM, 1, key, token, leaseMs)) as MarkerClaim;
}

/** Deletes `key` if `token` still holds it (a claim whose work failed), so another may claim it. */
export async function releaseMarker(redis: Redis, key: string, token: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, token);
}
