/**
 * A scheduler process for the exactly-once test, started (and SIGKILLed) by it.
 *
 * Configuration comes as JSON in SEDANO_TEST_SCHEDULER: the scheduler's options without its
 * clients and keys, plus `redisNamespace` (the test's own, whose schedule keys it uses) and `dieAfterClaims`: when set, the process kills itself with SIGKILL right after
 * that many successful claims, before emitting the claimed slot (the worst moment to die).
 * `claimHandicapMs` delays each of its claims by that much, so that a scheduler without one
 * wins the races for the slots: the three wake at the same instant, and in one CI run the one
 * meant to die had not made its third claim after 30 slots (most likely it lost those races).
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createCodec } from '../../../../services/lib/codec.ts';
import { resolveEndpoints } from '../../../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../../../services/lib/kafka.ts';
import { kafkaConnection } from '../../../../services/lib/kafka-connection.ts';
import { createSchemaRegistry } from '../../../../services/lib/schema-registry.ts';
import type { SchedulerOptions } from '../../../../services/scheduler/scheduler-options.ts';
import { startScheduler } from '../../../../services/scheduler/scheduler.ts';
import { redisKeys } from '../../../../topology/redis-keys.ts';

type Config = Omit<SchedulerOptions, 'redis' | 'producer' | 'codec' | 'logger' | 'keys'> & {
  redisNamespace: string;
  dieAfterClaims?: number;
  claimHandicapMs?: number;
};

const { dieAfterClaims, claimHandicapMs, redisNamespace, ...config } = JSON.parse(
  process.env['SEDANO_TEST_SCHEDULER'] ?? '{}',
) as Config;
const endpoints = resolveEndpoints(process.env);
const redis = new Redis(endpoints.redisUrl);
type SetCall = (...args: unknown[]) => Promise<unknown>;
/** Replaces the connection's SET (a claim is a SET NX) with `around`, given the real one. */
function aroundSet(around: (set: SetCall, args: unknown[]) => Promise<unknown>): void {
  const set = redis.set.bind(redis) as SetCall;
  (redis as unknown as { set: SetCall }).set = (...args) => around(set, args);
}
if (claimHandicapMs !== undefined) {
  aroundSet(async (set, args) => {
    if (args.includes('NX')) await new Promise((resolve) => setTimeout(resolve, claimHandicapMs));
    return set(...args);
  });
}
if (dieAfterClaims !== undefined) {
  let claims = 0;
  aroundSet(async (set, args) => {
    const result = await set(...args);
    if (result === 'OK' && args.includes('NX') && ++claims >= dieAfterClaims) {
      process.stdout.write(`dying holding ${String(args[0])}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    return result;
  });
}
const producer = await createKafkaClient({
  ...kafkaConnection(process.env),
  clientId: config.schedulerId ?? 'scheduler',
  log: () => {},
}).producer();
const scheduler = await startScheduler({
  ...config,
  keys: redisKeys(redisNamespace).schedules,
  redis,
  producer,
  codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
  logger: pino({ level: process.env['SEDANO_TEST_SCHEDULER_LOG'] ?? 'silent' }),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void scheduler
    .close()
    .then(() => producer.close())
    .then(() => redis.quit());
});
