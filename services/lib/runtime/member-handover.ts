/**
 * A worker restarted after a crash takes its partitions back at once instead of after its
 * former self's session timeout. The job consumer's member id is remembered in Redis under the
 * worker's id at every join; a worker starting with the same id removes that member from the
 * group before it joins (a LeaveGroup on its behalf), so the group rebalances as soon as the
 * new member asks to join. kafkajs has no static membership (`group.instance.id`), which
 * would do the same in the broker.
 *
 * It assumes what `SEDANO_WORKER_ID` promises: one live process per worker id. A member that
 * is already gone (a clean shutdown leaves the group) is simply not found. Nothing here fails
 * the worker: without the handover the group waits for the session timeout, as before.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import type { KafkaClient, KafkaConsumer } from '../kafka.ts';
import type { Logger } from '../logger.ts';

export interface MemberHandoverOptions {
  kafka: Pick<KafkaClient, 'removeGroupMember'>;
  redis: Redis;
  keys: Pick<RedisKeys, 'groupMember'>;
  groupId: string;
  workerId: string;
  logger: Logger;
  /** How long a member id is remembered, in seconds (default an hour: far beyond any session). */
  ttlSeconds?: number;
}

/** Removes the member the worker's former self had in the group, if any; never throws. */
export async function removeFormerMember(options: MemberHandoverOptions): Promise<void> {
  const { kafka, redis, keys, groupId, workerId, logger } = options;
  if (kafka.removeGroupMember === undefined) return;
  try {
    const memberId = await redis.get(keys.groupMember(groupId, workerId));
    if (memberId === null) return;
    const removed = await kafka.removeGroupMember(groupId, memberId);
    if (removed) logger.info({ groupId, memberId }, "removed the former worker's member from the group");
  } catch (error) {
    logger.warn({ err: error, groupId }, 'the former member was not removed: the group waits for its session to end');
  }
}

/** Remembers the consumer's member id at every join of the group. */
export function rememberMember(consumer: Pick<KafkaConsumer, 'onJoin'>, options: MemberHandoverOptions): void {
  const { redis, keys, groupId, workerId, logger, ttlSeconds = 3_600 } = options;
  consumer.onJoin?.((memberId) => {
    redis.set(keys.groupMember(groupId, workerId), memberId, 'EX', ttlSeconds).catch((error: unknown) => {
      logger.warn({ err: error, groupId }, 'the member id was not remembered');
    });
  });
}
