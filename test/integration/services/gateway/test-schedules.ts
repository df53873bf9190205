/**
 * Maintenance schedules for a test gateway (`startGateway`'s `schedules` option): the real
 * schedule control on the test's Redis keys, its runs emitted to a maintenance topic of the
 * test's own (removed at the end) with their PENDING on the gateway's status topic.
 */
import type { TestContext } from 'node:test';
import { createCodec } from '../../../../services/lib/codec.ts';
import type { GatewayTopics } from '../../../../services/gateway/topics.ts';
import { resolveSchedules } from '../../../../services/scheduler/schedule.ts';
import type { ScheduleDeclaration } from '../../../../topology/schedules.ts';
import {
  createRunEmitter,
  createScheduleControl,
  type ScheduleControl,
} from '../../../../services/scheduler/schedule-control.ts';
import { createScheduleStore } from '../../../../services/scheduler/schedule-store.ts';
import {
  createTestTopic,
  deleteSubjectAfter,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  redisClient,
  schemaRegistry,
  testNames,
} from '../../../support/resources.ts';

export async function testScheduleControl(
  t: TestContext,
  declarations: ScheduleDeclaration[],
): Promise<(topics: GatewayTopics) => ScheduleControl> {
  const admin = await kafkaAdmin(t);
  const maintenanceTopic = (await createTestTopic(t, admin, { prefix: 'test-maintenance' })).name;
  deleteSubjectAfter(t, testNames().valueSubject(maintenanceTopic));
  const { redis, keys } = redisClient(t);
  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  return (topics) =>
    createScheduleControl({
      schedules: resolveSchedules(declarations),
      store: createScheduleStore(redis, keys.schedules),
      emit: createRunEmitter({
        producer,
        codec: createCodec({ registry: schemaRegistry() }),
        maintenanceTopic,
        statusTopic: topics.status,
      }),
      now: Date.now,
      workerId: 'gateway',
    });
}
