/**
 * The Redis-backed stores a stage runtime reads and writes: the job ledger, revocations, purge
 * marks, the worker's presence and the stage's shared rate limiter. Each is the one a caller
 * passes in (tests, a namespace of their own) or else the default one on the runtime's Redis.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import { createPurgeMarks, type PurgeMarks } from '../purge-marks.ts';
import { createWorkerPresence, type WorkerPresence } from '../worker-presence.ts';
import { createJobLedger, type JobLedger } from './job-ledger.ts';
import { createRateLimiter, type StageRateLimiter } from './rate-limiter.ts';
import { createRevocations, type Revocations } from './revocations.ts';

export interface StageStores {
  ledger: JobLedger;
  revocations: Revocations;
  purgeMarks: PurgeMarks;
  presence: WorkerPresence;
  /** The stage's limit of starts per second, if it has one, or an operator's (stage-controls-refresh.ts). */
  rateLimiter: StageRateLimiter;
}

export interface StageStoresOptions extends Partial<StageStores> {
  redis: Redis;
  /** The namespace's Redis keys. */
  keys: RedisKeys;
  /** The name the stage's workers share their rate limit under (the stage's group). */
  rateLimitName: string;
  rateLimitPerSecond: number | undefined;
}

export function resolveStageStores(options: StageStoresOptions): StageStores {
  const { redis, keys, rateLimitPerSecond } = options;
  return {
    ledger: options.ledger ?? createJobLedger({ redis, keys }),
    revocations: options.revocations ?? createRevocations({ redis, keys }),
    purgeMarks: options.purgeMarks ?? createPurgeMarks({ redis, keys }),
    presence: options.presence ?? createWorkerPresence({ redis, keys }),
    rateLimiter:
      options.rateLimiter ??
      createRateLimiter({ redis, keys, name: options.rateLimitName, perSecond: rateLimitPerSecond }),
  };
}
