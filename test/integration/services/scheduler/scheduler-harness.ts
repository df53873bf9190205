/** Shared set-up of the scheduler tests: unique topics, subjects and keys, and a reader of the runs. */
import type { TestContext } from 'node:test';
import { maintenanceRequestContract, type MaintenanceRequest } from '../../../../schemas/maintenance-request.ts';
import { jobStatusEventContract, type JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { createCodec, type Codec, type Contract } from '../../../../services/lib/codec.ts';
import type { KafkaProducer } from '../../../../services/lib/kafka.ts';
import {
  type MaintenanceOptions,
  type MaintenanceWorker,
  startMaintenance,
} from '../../../../services/maintenance/maintenance-worker.ts';
import { pino } from 'pino';
import {
  collectMessages,
  createTestTopic,
  deleteSubjectAfter,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  redisClient,
  testNames,
  schemaRegistry,
  uniqueName,
  type CollectedMessages,
} from '../../../support/resources.ts';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../../topology/redis-keys.ts';

export interface SchedulerSandbox {
  maintenanceTopic: string;
  statusTopic: string;
  /** A prefix of the test's own Redis namespace, for keys a test makes up (not the scheduler's). */
  keyPrefix: string;
  /** The keys of the test's own Redis namespace (schedules, run ledger, revocations). */
  keys: RedisKeys;
  redis: Redis;
  codec: Codec;
  producer: KafkaProducer;
  collected: CollectedMessages;
  /** Every maintenance request read so far, decoded. */
  requests(): Promise<MaintenanceRequest[]>;
  /** Every status event read so far, decoded. */
  statuses(): Promise<JobStatusEvent[]>;
}

export async function schedulerSandbox(t: TestContext): Promise<SchedulerSandbox> {
  const { valueSubject } = testNames();
  const admin = await kafkaAdmin(t);
  const maintenanceTopic = (await createTestTopic(t, admin, { prefix: 'test-maintenance' })).name;
  const statusTopic = (await createTestTopic(t, admin, { prefix: 'test-status' })).name;
  deleteSubjectAfter(t, valueSubject(maintenanceTopic));
  deleteSubjectAfter(t, valueSubject(statusTopic));
  const { redis, prefix, keys } = redisClient(t);
  const codec = createCodec({ registry: schemaRegistry() });
  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  const collected = await collectMessages(t, [maintenanceTopic, statusTopic]);
  const decodeAll = <T>(topic: string, contract: Contract<T>) =>
    Promise.all(
      collected.messages
        .filter((message) => message.topic === topic)
        .map(async (message) => (await codec.decode(contract, message.value)).record),
    );
  return {
    maintenanceTopic,
    statusTopic,
    keyPrefix: `${prefix}scratch:`,
    keys,
    redis,
    codec,
    producer,
    collected,
    requests: () => decodeAll(maintenanceTopic, maintenanceRequestContract),
    statuses: () => decodeAll(statusTopic, jobStatusEventContract),
  };
}

/** The requests grouped by slot, in slot order. */
export function bySlot(requests: readonly MaintenanceRequest[]): Map<number, MaintenanceRequest[]> {
  const slots = new Map<number, MaintenanceRequest[]>();
  for (const request of [...requests].sort((a, b) => a.slotTime - b.slotTime)) {
    slots.set(request.slotTime, [...(slots.get(request.slotTime) ?? []), request]);
  }
  return slots;
}

/**
 * A maintenance worker on the sandbox's topics and keys, with the test run's names (its control
 * topic, for REVOKE and PING, and dead-letter topic) and a group of its own; closed after the test.
 */
export async function startTestMaintenance(
  t: TestContext,
  sandbox: SchedulerSandbox,
  options: Pick<MaintenanceOptions, 'tasks'> & Partial<MaintenanceOptions>,
): Promise<MaintenanceWorker> {
  const worker = await startMaintenance({
    kafka: kafkaClient(),
    codec: sandbox.codec,
    redis: sandbox.redis,
    logger: pino({ level: 'silent' }),
    keys: sandbox.keys,
    names: testNames(),
    maintenanceTopic: sandbox.maintenanceTopic,
    statusTopic: sandbox.statusTopic,
    groupId: uniqueName('test-maintenance'),
    ...options,
  });
  onCleanup(t, () => worker.close());
  return worker;
}
