/**
 * Which maintenance runs have happened, by idempotency key, so a slot fired twice (two
 * schedulers racing, a redelivery, a replayed request) runs once.
 *
 * Key `maintenanceRun(idempotencyKey)` (topology/redis-keys.ts): `running:<workerId>` with a lease while a worker runs it
 * (renewed while it runs; a worker that dies frees it when the lease ends), then `done:<jobId>`
 * kept for the retention, once its job ended SUCCESS or FAILURE. A run revoked, expired or cut
 * by a shutdown frees its key.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../topology/redis-keys.ts';

export type BeginOutcome = 'run' | 'done' | 'running';

export interface RunLedger {
  begin(idempotencyKey: string, workerId: string, leaseMs: number): Promise<BeginOutcome>;
  /** Extends this worker's lease; false if it lost it. */
  renew(idempotencyKey: string, workerId: string, leaseMs: number): Promise<boolean>;
  finish(idempotencyKey: string, jobId: string, retentionMs: number): Promise<void>;
  abandon(idempotencyKey: string, workerId: string): Promise<void>;
}

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const ABANDON = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createRunLedger(redis: Redis, keys: Pick<RedisKeys, 'maintenanceRun'>): RunLedger {
  const key = keys.maintenanceRun;
  const lease = (workerId: string) => `running:${workerId}`;
  return {
    async begin(idempotencyKey, workerId, leaseMs) {
      if ((await redis.set(key(idempotencyKey), lease(workerId), 'PX', leaseMs, 'NX')) === 'OK') return 'run';
      const holder = await redis.get(key(idempotencyKey));
      if (holder === null) return this.begin(idempotencyKey, workerId, leaseMs);
      return holder.startsWith('done:') ? 'done' : 'running';
    },
    async renew(idempotencyKey, workerId, leaseMs) {
      return (await redis.eval(RENEW, 1, key(idempotencyKey), lease(workerId), leaseMs)) === 1;
    },
    async finish(idempotencyKey, jobId, retentionMs) {
      await redis.set(key(idempotencyKey), `done:${jobId}`, 'PX', retentionMs);
    },
    async abandon(idempotencyKey, workerId) {
      await redis.eval(ABANDON, 1, key(idempotencyKey), lease(workerId));
    },
  };
}
