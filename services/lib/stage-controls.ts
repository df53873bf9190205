/**
 * What an operator set for a stage through the gateway, kept in Redis so that every worker of
 * the stage, also one started later, follows it:
 *
 * - The pause record (`keys.stagePause(stage)`): the last PAUSE_STAGE or RESUME_STAGE, who gave
 *   it and when. The gateway writes it before producing the command; `GET /v1/stages` shows it.
 *   A worker reads it before taking any job in: the control topic keeps a command a day, so a
 *   worker started later than that after a PAUSE_STAGE would otherwise never learn of it and run
 *   a paused stage's jobs. The worker then skips the commands the topic holds from before the
 *   record's time (states the record replaced, which its replay of the topic would otherwise
 *   apply for a moment), and reads the record again every presence interval
 *   (runtime/stage-controls-refresh.ts), so it comes back to it whatever the commands' times
 *   (gateways' clocks apart) or order (two gateways at once) made of them.
 * - The rate-limit record (`keys.stageRateLimit(stage)`): a limit of job starts per second that
 *   replaces the one the stage declares (`rateLimitPerSecond`), Celery's `control rate_limit`
 *   and Flower's rate-limit form. Workers read it before taking jobs in and then every presence
 *   interval (runtime/stage-controls-refresh.ts); without one, the stage's own limit applies again.
 * - The concurrency record (`keys.stageConcurrency(stage)`): how many jobs each worker of the
 *   stage runs at once, Celery's `control pool_shrink`/`pool_grow` and Flower's pool size, for
 *   every worker of the stage at once. A worker runs at most the concurrency it started with
 *   (its threads and connections are sized then, as Celery's `--autoscale` maximum), so the
 *   record lowers it, or gives some of it back; without one, each worker's own applies again.
 *   Read as the rate-limit record is. Jobs running when it is lowered finish; no new one starts
 *   until fewer run than it says.
 *
 * None expires: a stage stays paused, or limited, until someone says otherwise.
 */
import type { Redis } from 'ioredis';

export interface PauseRecord {
  paused: boolean;
  /** Who gave the command. */
  by: string;
  /** When it was issued (the command's `issuedAt`), ms since the epoch. */
  at: number;
}

export interface RateLimitRecord {
  /** Job starts per second, shared by the stage's workers (above 0). */
  perSecond: number;
  /** Who set it. */
  by: string;
  /** When, ms since the epoch. */
  at: number;
}

export interface ConcurrencyRecord {
  /** Jobs each worker runs at once (at least 1; a worker runs no more than it started with). */
  perWorker: number;
  /** Who set it. */
  by: string;
  /** When, ms since the epoch. */
  at: number;
}

/** The JSON object stored at `key`; undefined when there is none or it is not an object (never written by this code). */
async function readObject(redis: Redis, key: string): Promise<Record<string, unknown> | undefined> {
  const raw = await redis.get(key);
  if (raw === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The stage's pause record; undefined when none was ever written, or one is not a record. */
export async function readPauseRecord(redis: Redis, key: string): Promise<PauseRecord | undefined> {
  const { paused, by, at } = (await readObject(redis, key)) ?? {};
  return typeof paused === 'boolean' && typeof by === 'string' && typeof at === 'number'
    ? { paused, by, at }
    : undefined;
}

/** Stores the pause record. */
export async function writePauseRecord(redis: Redis, key: string, record: PauseRecord): Promise<void> {
  await redis.set(key, JSON.stringify(record));
}

/** The stage's rate-limit record; undefined when none is set (the stage's own limit applies), or one is not a record. */
export async function readRateLimitRecord(redis: Redis, key: string): Promise<RateLimitRecord | undefined> {
  const { perSecond, by, at } = (await readObject(redis, key)) ?? {};
  return typeof perSecond === 'number' && perSecond > 0 && typeof by === 'string' && typeof at === 'number'
    ? { perSecond, by, at }
    : undefined;
}

/** Stores the rate-limit record, or removes it (`undefined`: the stage's own limit applies again). */
export async function writeRateLimitRecord(redis: Redis, key: string, record: RateLimitRecord | undefined) {
  if (record === undefined) await redis.del(key);
  else await redis.set(key, JSON.stringify(record));
}

/** The stage's concurrency record; undefined when none is set (each worker's own applies), or one is not a record. */
export async function readConcurrencyRecord(redis: Redis, key: string): Promise<ConcurrencyRecord | undefined> {
  const { perWorker, by, at } = (await readObject(redis, key)) ?? {};
  return Number.isInteger(perWorker) && (perWorker as number) >= 1 && typeof by === 'string' && typeof at === 'number'
    ? { perWorker: perWorker as number, by, at }
    : undefined;
}

/** Stores the concurrency record, or removes it (`undefined`: each worker's own concurrency applies again). */
export async function writeConcurrencyRecord(redis: Redis, key: string, record: ConcurrencyRecord | undefined) {
  if (record === undefined) await redis.del(key);
  else await redis.set(key, JSON.stringify(record));
}
