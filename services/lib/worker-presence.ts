/**
 * Worker presence in Redis: every worker publishes a record of itself every few seconds with
 * an expiry of about three heartbeats, and removes it on a clean shutdown, so operators (the
 * CLI's `status`, `inspect active`, `ping`) see which workers are alive and what they run.
 *
 * Key layout (`keys.workers`, topology/redis-keys.ts):
 * - `worker(workerId)`: the WorkerRecord as JSON, expiring after the TTL;
 * - `index`: sorted set of worker ids scored by their record's expiry time (ms since
 *   the epoch), so listing does not SCAN; members past their expiry are pruned on `list`;
 * - `pong(commandId)`: hash of worker id -> uptime in ms, the answers to one PING,
 *   expiring after `pongTtlSeconds`;
 * - `ping(commandId)`: when the PING was sent, written by its sender before it is produced and
 *   kept as long, so "no answers yet" and "no such PING" are told apart.
 */
import { loadavg } from 'node:os';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../topology/redis-keys.ts';
import type { WorkerStage } from '../../topology/stages.ts';
import type { Logger } from './logger.ts';

/** A job running now on a worker. */
export interface RunningJobView {
  jobId: string;
  attempt: number;
  /** When the attempt started, ms since the epoch. */
  startedAt: number;
  /** The last progress the handler reported, or null before the first. */
  progress: { current: number; total: number; message: string | null } | null;
}

/**
 * Attempts a worker ended since it started, by how they ended (Flower's Processed, Succeeded,
 * Failed and Retried; a job revoked before or while it ran counts as revoked). Attempts left
 * unfinished at a shutdown, and repeats of jobs already done, are not counted.
 */
export interface ProcessedCounts {
  succeeded: number;
  failed: number;
  /** Attempts that failed and were scheduled again. */
  retried: number;
  revoked: number;
}

/** What a worker says of itself at each heartbeat. */
export interface WorkerRecord {
  workerId: string;
  stage: WorkerStage;
  host: string;
  pid: number;
  /** When the worker started, ms since the epoch. */
  startedAt: number;
  /** When this record was published, ms since the epoch. */
  heartbeatAt: number;
  /** Jobs it runs at once at most now: its own concurrency, or fewer by the stage's concurrency record. */
  concurrency: number;
  /** The concurrency it started with, the most it runs (from a worker of an earlier version: `concurrency`). */
  ownConcurrency: number;
  rateLimitPerSecond: number | null;
  paused: boolean;
  running: RunningJobView[];
  /** Attempts ended since the worker started; null from a worker of an earlier version. */
  processed: ProcessedCounts | null;
  /** The host's load average over 1, 5 and 15 minutes, at the heartbeat (Flower's); null likewise. */
  loadAverage: number[] | null;
  /** The worker process's resident memory at the heartbeat, in bytes; null likewise. */
  rssBytes: number | null;
}

export interface WorkerPresence {
  /** Publishes (or refreshes) a worker's record; it disappears `ttlMs` later unless published again. */
  publish(record: WorkerRecord, ttlMs: number): Promise<void>;
  /** The records of the workers alive now (of one stage, if named), ordered by worker id. */
  list(stage?: WorkerStage): Promise<WorkerRecord[]>;
  /** Removes a worker's record at once (clean shutdown). */
  remove(workerId: string): Promise<void>;
  /** Records that the PING command `commandId` is about to be sent (before it is produced). */
  recordPing(commandId: string, issuedAt: number): Promise<void>;
  /** Whether the PING `commandId` is known: recorded by its sender, or answered; false once expired. */
  pingKnown(commandId: string): Promise<boolean>;
  /** Records a worker's answer to the PING command `commandId`. */
  recordPong(commandId: string, workerId: string, uptimeMs: number): Promise<void>;
  /** The answers to one PING so far, ordered by worker id. */
  pongs(commandId: string): Promise<{ workerId: string; uptimeMs: number }[]>;
}

export interface WorkerPresenceOptions {
  redis: Redis;
  /** The namespace's presence keys (`keys.workers`). */
  keys: Pick<RedisKeys, 'workers'>;
  /** How long the answers to a PING are kept, in seconds (default 300). */
  pongTtlSeconds?: number;
  /** Clock, ms since the epoch (default Date.now). */
  now?: () => number;
}

export function createWorkerPresence({
  redis,
  keys,
  pongTtlSeconds = 300,
  now = Date.now,
}: WorkerPresenceOptions): WorkerPresence {
  const { worker: recordKey, index: indexKey, pong: pongKey, ping: pingKey } = keys.workers;

  return {
    async publish(record, ttlMs) {
      if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive integer: ${ttlMs}`);
      await redis
        .multi()
        .set(recordKey(record.workerId), JSON.stringify(record), 'PX', ttlMs)
        .zadd(indexKey, now() + ttlMs, record.workerId)
        .exec();
    },
    async list(stage) {
      await redis.zremrangebyscore(indexKey, '-inf', now());
      const ids = await redis.zrange(indexKey, 0, -1);
      if (ids.length === 0) return [];
      const values = await redis.mget(...ids.map(recordKey));
      const records: WorkerRecord[] = [];
      for (const value of values) {
        // A record that expired between the two calls is simply gone: that worker is not alive.
        const record = value === null ? null : parseWorkerRecord(value);
        if (record !== null && (stage === undefined || record.stage === stage)) records.push(record);
      }
      return records.sort((a, b) => a.workerId.localeCompare(b.workerId));
    },
    async remove(workerId) {
      await redis.multi().del(recordKey(workerId)).zrem(indexKey, workerId).exec();
    },
    async recordPing(commandId, issuedAt) {
      await redis.set(pingKey(commandId), String(issuedAt), 'EX', pongTtlSeconds);
    },
    async pingKnown(commandId) {
      // A PING another client produced without recording it is known by its answers.
      return (await redis.exists(pingKey(commandId), pongKey(commandId))) > 0;
    },
    async recordPong(commandId, workerId, uptimeMs) {
      await redis
        .multi()
        .hset(pongKey(commandId), workerId, String(uptimeMs))
        .expire(pongKey(commandId), pongTtlSeconds)
        .exec();
    },
    async pongs(commandId) {
      const answers = await redis.hgetall(pongKey(commandId));
      return Object.entries(answers)
        .map(([workerId, uptime]) => ({ workerId, uptimeMs: Number(uptime) }))
        .sort((a, b) => a.workerId.localeCompare(b.workerId));
    },
  };
}

/**
 * Reads a stored record; null when it is not a worker record (written by another version or
 * by hand), so one bad key cannot hide every other worker from the operator.
 */
export function parseWorkerRecord(value: string): WorkerRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Partial<WorkerRecord>;
  const valid =
    typeof record.workerId === 'string' &&
    typeof record.stage === 'string' &&
    typeof record.heartbeatAt === 'number' &&
    typeof record.startedAt === 'number' &&
    Array.isArray(record.running);
  // A worker of an earlier version publishes none of these.
  if (!valid) return null;
  const { processed = null, loadAverage = null, rssBytes = null } = record;
  const whole = parsed as WorkerRecord;
  return { ...whole, ownConcurrency: record.ownConcurrency ?? whole.concurrency, processed, loadAverage, rssBytes };
}

/** The host's and the process's figures a heartbeat adds to the worker's record. */
export type ProcessFigures = Pick<WorkerRecord, 'loadAverage' | 'rssBytes'>;

function processFigures(): ProcessFigures {
  return { loadAverage: loadavg(), rssBytes: process.memoryUsage.rss() };
}

export interface PresenceHeartbeatOptions {
  presence: WorkerPresence;
  /** Time between two publications, in ms; the record expires after three of them. */
  intervalMs: number;
  /** The worker's record now; `heartbeatAt` is set to the publication time, and the process's figures added. */
  snapshot: () => Omit<WorkerRecord, keyof ProcessFigures>;
  logger: Logger;
  now?: () => number;
  /** The host's load and the process's memory (default: read from the OS). */
  figures?: () => ProcessFigures;
}

/**
 * Publishes the worker's record at once and then every `intervalMs` (a timer that does not
 * keep the process alive). A failed publication is logged and the next one tries again: the
 * worker keeps running jobs while Redis is away. `stop` removes the record.
 */
export function startPresenceHeartbeat({
  presence,
  intervalMs,
  snapshot,
  logger,
  now = Date.now,
  figures = processFigures,
}: PresenceHeartbeatOptions): { stop(): Promise<void> } {
  const ttlMs = Math.round(intervalMs * 3);
  let workerId: string | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  const beat = () => {
    if (stopped) return;
    inFlight = (async () => {
      try {
        const record = { ...snapshot(), heartbeatAt: now(), ...figures() };
        workerId = record.workerId;
        await presence.publish(record, ttlMs);
      } catch (error) {
        logger.warn({ err: error }, 'worker presence not published; trying again at the next heartbeat');
      }
    })();
  };
  beat();
  const timer = setInterval(beat, intervalMs).unref();
  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        clearInterval(timer);
        // A publication in flight would otherwise bring the record back after the removal.
        await inFlight;
        if (workerId !== undefined) await presence.remove(workerId);
      })()),
  };
}
