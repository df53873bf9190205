/**
 * Purge marks: `ctl purge` cannot move the offsets of a stage group that has members (Kafka
 * refuses to reset them), so it records, per lane partition, the end offset at the time of
 * the purge; the stage runtime skips (reporting REVOKED, reason "purged") every message below
 * the mark that has not started.
 *
 * Key layout: `keys.purgeMark(topic, partition)` = the offset, as a decimal string, expiring after a job topic's retention: by then the purged messages are
 * gone from Kafka anyway.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../topology/redis-keys.ts';

/** A partition and its end offset (the offset of the next message to be written). */
export interface PartitionEnd {
  partition: number;
  offset: number;
}

export interface PurgeMarks {
  /** Records that every message of `topic` below these offsets is purged. */
  markPurge(topic: string, partitionEnds: readonly PartitionEnd[]): Promise<void>;
  /** The purge mark of one partition, or undefined when it was never purged (cached for `cacheMs`). */
  purgeMark(topic: string, partition: number): Promise<number | undefined>;
}

export interface PurgeMarksOptions {
  redis: Redis;
  /** The namespace's keys (`keys.purgeMark(topic, partition)`). */
  keys: Pick<RedisKeys, 'purgeMark'>;
  /** How long a mark read from Redis is reused in this process, in ms (default 1000). */
  cacheMs?: number;
  /** How long a mark is kept, in seconds (default 8 days: a job topic's retention and a day). */
  ttlSeconds?: number;
  now?: () => number;
}

export function createPurgeMarks({
  redis,
  keys,
  cacheMs = 1_000,
  ttlSeconds = 8 * 86_400,
  now = Date.now,
}: PurgeMarksOptions): PurgeMarks {
  const key = keys.purgeMark;
  const cache = new Map<string, { mark: number | undefined; readAt: number }>();

  return {
    async markPurge(topic, partitionEnds) {
      for (const { partition, offset } of partitionEnds) {
        if (!Number.isSafeInteger(partition) || partition < 0) throw new RangeError(`bad partition: ${partition}`);
        if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`bad offset: ${offset}`);
      }
      if (partitionEnds.length === 0) return;
      const transaction = redis.multi();
      for (const { partition, offset } of partitionEnds) {
        transaction.set(key(topic, partition), String(offset), 'EX', ttlSeconds);
        cache.delete(key(topic, partition));
      }
      await transaction.exec();
    },
    async purgeMark(topic, partition) {
      const name = key(topic, partition);
      const cached = cache.get(name);
      if (cached !== undefined && now() - cached.readAt < cacheMs) return cached.mark;
      const value = await redis.get(name);
      const mark = value === null ? undefined : Number(value);
      if (mark !== undefined && !(Number.isSafeInteger(mark) && mark >= 0)) {
        throw new RangeError(`purge mark ${name} is not an offset: ${value}`);
      }
      cache.set(name, { mark, readAt: now() });
      return mark;
    },
  };
}
