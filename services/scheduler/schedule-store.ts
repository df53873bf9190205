/**
 * What the schedulers share in Redis, per schedule: the claims that decide which scheduler
 * emits a slot, the cursor (newest slot fired or skipped on purpose) from which a restarted
 * scheduler applies the missed-slot policy, the last run, and the paused flag.
 *
 * Keys (the keyspace module's `schedules`, topology/redis-keys.ts):
 * - `schedule(name)`: hash `cursorMs`, `lastJobId`, `lastSlotMs`, `lastRunAtMs`, `paused` ("1").
 * - `slotClaim(name, slotMs)`: a slot's claim, `lease:<schedulerId>` expiring after the lease
 *   (a scheduler that dies holding it frees the slot for another), then `fired:<jobId>` expiring
 *   after the retention.
 * - `immediateRun(name, runId)`: the job id of an immediate run asked for with `runId`, kept for
 *   the retention, so a repeat of the request is answered with it rather than run again.
 */
import type { Redis } from 'ioredis';
import type { ScheduleKeys } from '../../topology/redis-keys.ts';

/** A claim attempt's outcome: this scheduler emits, another holds the lease, or the slot was fired. */
export type ClaimOutcome = 'claimed' | 'held' | 'fired';

export interface ScheduleState {
  /** Newest slot fired or skipped on purpose, or null before the first start. */
  cursorMs: number | null;
  lastJobId: string | null;
  /** Slot of the last run (an immediate run's is its request time). */
  lastSlotMs: number | null;
  lastRunAtMs: number | null;
  paused: boolean;
}

export interface ScheduleStore {
  claim(name: string, slotMs: number, schedulerId: string, leaseMs: number): Promise<ClaimOutcome>;
  /** Frees a claim this scheduler holds (its emission failed), so it or another tries again. */
  release(name: string, slotMs: number, schedulerId: string): Promise<void>;
  /** Marks a claimed slot fired, and records the run and the cursor (never moved back). */
  recordFired(name: string, slotMs: number, jobId: string, runAtMs: number, retentionMs: number): Promise<void>;
  /** Claims `runId` for an immediate run's `jobId` (SET NX) for `retentionMs`; false: asked for before. */
  claimImmediateRun(name: string, runId: string, jobId: string, retentionMs: number): Promise<boolean>;
  /** Frees an immediate run's claim whose emission failed, so a repeat emits it. */
  releaseImmediateRun(name: string, runId: string): Promise<void>;
  /** Records an immediate run as the last run, leaving the cursor alone. */
  recordRun(name: string, jobId: string, runAtMs: number): Promise<void>;
  /** Moves the cursor forward to `cursorMs` (never back); sets it if it was missing. */
  advanceCursor(name: string, cursorMs: number): Promise<void>;
  state(name: string): Promise<ScheduleState>;
  setPaused(name: string, paused: boolean): Promise<void>;
}

// KEYS[1] hash; ARGV cursor. Moves the cursor forward only.
const ADVANCE = `
local current = tonumber(redis.call('HGET', KEYS[1], 'cursorMs'))
if current == nil or current < tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'cursorMs', ARGV[1]) end
return 1`;

// KEYS[1] slot claim, KEYS[2] hash; ARGV slot, jobId, runAt, retentionMs.
const FIRED = `
redis.call('SET', KEYS[1], 'fired:' .. ARGV[2], 'PX', ARGV[4])
local current = tonumber(redis.call('HGET', KEYS[2], 'cursorMs'))
if current == nil or current < tonumber(ARGV[1]) then redis.call('HSET', KEYS[2], 'cursorMs', ARGV[1]) end
local last = tonumber(redis.call('HGET', KEYS[2], 'lastRunAtMs'))
if last == nil or last <= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[2], 'lastJobId', ARGV[2], 'lastSlotMs', ARGV[1], 'lastRunAtMs', ARGV[3])
end
return 1`;

// KEYS[1] slot claim; ARGV lease value. Deletes the claim only if this scheduler holds it.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

function numberOrNull(value: string | undefined): number | null {
  return value === undefined || value === '' ? null : Number(value);
}

export function createScheduleStore(redis: Redis, keys: ScheduleKeys): ScheduleStore {
  const hashKey = keys.schedule;
  const slotKey = keys.slotClaim;
  const lease = (schedulerId: string) => `lease:${schedulerId}`;

  return {
    async claim(name, slotMs, schedulerId, leaseMs) {
      const key = slotKey(name, slotMs);
      if ((await redis.set(key, lease(schedulerId), 'PX', leaseMs, 'NX')) === 'OK') return 'claimed';
      const holder = await redis.get(key);
      if (holder === null) return this.claim(name, slotMs, schedulerId, leaseMs);
      return holder.startsWith('fired:') ? 'fired' : 'held';
    },
    async release(name, slotMs, schedulerId) {
      await redis.eval(RELEASE, 1, slotKey(name, slotMs), lease(schedulerId));
    },
    async recordFired(name, slotMs, jobId, runAtMs, retentionMs) {
      await redis.eval(FIRED, 2, slotKey(name, slotMs), hashKey(name), slotMs, jobId, runAtMs, retentionMs);
    },
    async claimImmediateRun(name, runId, jobId, retentionMs) {
      return (await redis.set(keys.immediateRun(name, runId), jobId, 'PX', retentionMs, 'NX')) === 'OK';
    },
    async releaseImmediateRun(name, runId) {
      await redis.del(keys.immediateRun(name, runId));
    },
    async recordRun(name, jobId, runAtMs) {
      await redis.hset(hashKey(name), { lastJobId: jobId, lastSlotMs: runAtMs, lastRunAtMs: runAtMs });
    },
    async advanceCursor(name, cursorMs) {
      await redis.eval(ADVANCE, 1, hashKey(name), cursorMs);
    },
    async state(name) {
      const fields = await redis.hgetall(hashKey(name));
      return {
        cursorMs: numberOrNull(fields['cursorMs']),
        lastJobId: fields['lastJobId'] ?? null,
        lastSlotMs: numberOrNull(fields['lastSlotMs']),
        lastRunAtMs: numberOrNull(fields['lastRunAtMs']),
        paused: fields['paused'] === '1',
      };
    },
    async setPaused(name, paused) {
      if (paused) await redis.hset(hashKey(name), 'paused', '1');
      else await redis.hdel(hashKey(name), 'paused');
    },
  };
}
