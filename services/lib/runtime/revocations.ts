/**
 * Revoked jobs, remembered in Redis with an expiry, so that a job revoked while queued is
 * refused whenever it arrives, on any worker, even one started after the revoke.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import { REVOCATION_TTL_SECONDS } from '../../../topology/stages.ts';
import { coalesceReads } from '../turn-batcher.ts';

export interface Revocations {
  revoke(jobId: string, reason: string): Promise<void>;
  /** The reason the job was revoked, or null. */
  reasonRevoked(jobId: string): Promise<string | null>;
}

export interface RevocationsOptions {
  redis: Redis;
  /** The namespace's keys (`keys.revoked(jobId)`). */
  keys: Pick<RedisKeys, 'revoked'>;
  /** How long a revocation is remembered, in seconds (default REVOCATION_TTL_SECONDS: 37 days). */
  ttlSeconds?: number;
}

export function createRevocations({
  redis,
  keys,
  ttlSeconds = REVOCATION_TTL_SECONDS,
}: RevocationsOptions): Revocations {
  return {
    async revoke(jobId, reason) {
      await redis.set(keys.revoked(jobId), reason, 'EX', ttlSeconds);
    },
    // Every job about to start asks: the questions of one turn go as one MGET (turn-batcher.ts).
    reasonRevoked: coalesceReads((jobIds) => redis.mget(jobIds.map((jobId) => keys.revoked(jobId)))),
  };
}
