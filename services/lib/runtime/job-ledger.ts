/**
 * Remembers, in Redis, which jobs reached a terminal state, so that a job redelivered after
 * a crash (or submitted twice with one idempotency key) is not run again. Written by the
 * worker itself before it commits, so it does not depend on the status projector's lag.
 */
import type { Redis } from 'ioredis';
import type { JobState } from '../../../schemas/job-state.ts';
import type { RedisKeys } from '../../../topology/redis-keys.ts';

export interface JobLedger {
  /** The terminal state recorded for the job, or null if it has none. */
  terminalState(jobId: string): Promise<JobState | null>;
  recordTerminal(jobId: string, state: JobState): Promise<void>;
}

export interface JobLedgerOptions {
  redis: Redis;
  /** The namespace's keys (`keys.ledger(jobId)`). */
  keys: Pick<RedisKeys, 'ledger'>;
  /** How long a terminal state is remembered, in seconds (default 7 days, a job topic's retention). */
  ttlSeconds?: number;
}

export function createJobLedger({ redis, keys, ttlSeconds = 7 * 86_400 }: JobLedgerOptions): JobLedger {
  return {
    async terminalState(jobId) {
      return (await redis.get(keys.ledger(jobId))) as JobState | null;
    },
    async recordTerminal(jobId, state) {
      await redis.set(keys.ledger(jobId), state, 'EX', ttlSeconds);
    },
  };
}
