/**
 * Remembers, in Redis, which jobs reached a terminal state, so that a job redelivered after
 * a crash (or submitted twice with one idempotency key) is not run again. Written by the
 * worker itself before it commits, so it does not depend on the status projector's lag.
 *
 * Reads and writes of one turn go together (turn-batcher.ts): the reads as one MGET, the
 * writes as one script that sets each key with its expiry. A no-op burst made three commands a
 * job here, each an ioredis command object with its promises (issue 12).
 */
import type { Redis } from 'ioredis';
import type { JobState } from '../../../schemas/job-state.ts';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import { batchPerTurn, coalesceReads } from '../turn-batcher.ts';

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

/** Most jobs one write script carries. */
const MAX_WRITES_PER_CALL = 500;

/** KEYS[i] = ARGV[i + 1], each expiring after ARGV[1] seconds. */
const SET_ALL_WITH_EXPIRY = `
for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1]) end
return #KEYS`;

type ScriptRunner = Redis & { sedanoSetAllWithExpiry?: (...args: (string | number)[]) => Promise<number> };

/** How long the ledger remembers a job ended by default: 7 days, a job topic's retention. */
export const LEDGER_TTL_SECONDS = 7 * 86_400;

export function createJobLedger({ redis, keys, ttlSeconds = LEDGER_TTL_SECONDS }: JobLedgerOptions): JobLedger {
  const runner = redis as ScriptRunner;
  // defineCommand sends EVALSHA, and the script's text only when Redis does not know it yet.
  if (runner.sedanoSetAllWithExpiry === undefined) {
    redis.defineCommand('sedanoSetAllWithExpiry', { lua: SET_ALL_WITH_EXPIRY });
  }
  const terminalState = coalesceReads(
    async (jobIds) => (await redis.mget(jobIds.map((jobId) => keys.ledger(jobId)))) as (JobState | null)[],
  );
  const recordTerminal = batchPerTurn<{ jobId: string; state: JobState }, void>(
    async (records) => {
      // In order: a job recorded twice in one turn keeps its later state, as two SETs would.
      await runner.sedanoSetAllWithExpiry!(
        records.length,
        ...records.map(({ jobId }) => keys.ledger(jobId)),
        ttlSeconds,
        ...records.map(({ state }) => state),
      );
      return records.map(() => undefined);
    },
    { maxPerCall: MAX_WRITES_PER_CALL },
  );
  return {
    terminalState,
    recordTerminal: (jobId, state) => recordTerminal({ jobId, state }),
  };
}
