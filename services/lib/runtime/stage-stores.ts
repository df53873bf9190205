/**
 * The Redis-backed stores a stage runtime reads and writes: the job ledger, revocations, purge
 * marks, the worker's presence and the stage's shared rate limiter. Each is the one a caller
 * passes in (tests, a namespace of their own) or else the default one on the runtime's Redis.
 */
import type { Redis } from 'ioredis';
import { createPurgeMarks, type PurgeMarks } from '../purge-marks.ts';
import { createWorkerPresence, type WorkerPresence } from '../worker-presence.ts';
import { createJobLedger, type JobLedger } from './job-ledger.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createRevocations, type Revocations } from './revocations.ts';

export interface StageStores {
  ledger: JobLedger;
  revocations: Revocations;
  purgeMarks: PurgeMarks;
  presence: WorkerPresence;
  /** Undefined when the stage has no rate limit. */
  rateLimiter: RateLimiter | undefined;
}

export interface StageStoresOptions extends Partial<StageStores> {
  redis: Redis;
  /** The name the stage's workers share their rate limit under (the stage's group). */
  rateLimitName: string;
  rateLimitPerSecond: number | undefined;
}

export function resolveStageStores(options: StageStoresOptions): StageStores {
  const { redis, rateLimitPerSecond } = options;
  return {
    ledger: options.ledger ?? createJobLedger({ redis }),
    revocations: options.revocations ?? createRevocations({ redis }),
    purgeMarks: options.purgeMarks ?? createPurgeMarks({ redis }),
    presence: options.presence ?? createWorkerPresence({ redis }),
    rateLimiter:
      options.rateLimiter ??
      (rateLimitPerSecond === undefined
        ? undefined
        : createRateLimiter({ redis, name: options.rateLimitName, perSecond: rateLimitPerSecond })),
  };
}
