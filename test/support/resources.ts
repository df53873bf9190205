/**
 * Real infrastructure for integration tests, with unique names and cleanup registered by
 * the helper that created the resource. Endpoints come from the environment that
 * test/global-setup.ts prepared.
 */
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { resolveEndpoints, type Endpoints } from '../../services/lib/endpoints.ts';
import { DEFAULT_NAMESPACE, type TopologyNames, topologyNames } from '../../topology/names.ts';
import { type RedisKeys, redisKeys } from '../../topology/redis-keys.ts';
import { declaredTopics } from '../../topology/topics.ts';
import {
  createKafkaClient,
  type IncomingMessage,
  type KafkaAdmin,
  type KafkaClient,
  type TopicDescription,
} from '../../services/lib/kafka.ts';
import { kafkaConnection } from '../../services/lib/kafka-connection.ts';
import { createSchemaRegistry, deleteSubject, type SchemaRegistry } from '../../services/lib/schema-registry.ts';
import { waitFor } from './wait.ts';

const cleanups = new WeakMap<TestContext, (() => unknown)[]>();

/**
 * Registers a cleanup step that runs when the test ends, in reverse order of registration
 * (a topic is deleted before the admin client that deletes it is closed). Every step runs
 * even if an earlier one fails; the failures are reported together.
 */
export function onCleanup(t: TestContext, step: () => unknown): void {
  let steps = cleanups.get(t);
  if (!steps) {
    const registered: (() => unknown)[] = [];
    cleanups.set(t, registered);
    steps = registered;
    t.after(async () => {
      const failures: unknown[] = [];
      for (const cleanup of registered.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'test cleanup failed');
    });
  }
  steps.push(step);
}

export function endpoints(): Endpoints {
  return resolveEndpoints(process.env);
}

/**
 * The names of the test run's namespace (SEDANO_NAMESPACE, which test/global-setup.ts sets, so a
 * running system's workers never take the tests' jobs): for tests of the declared topology.
 */
export function testNames(): TopologyNames {
  return topologyNames(process.env['SEDANO_NAMESPACE'] || DEFAULT_NAMESPACE);
}

/** A name no other test uses: `<prefix>-<8 hex chars>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A Kafka client; its own log lines (noisy during the fault tests) only with SEDANO_TEST_KAFKA_LOG=1. */
export function kafkaClient(): KafkaClient {
  return createKafkaClient({
    ...kafkaConnection(process.env),
    clientId: uniqueName('sedano-test'),
    ...(process.env['SEDANO_TEST_KAFKA_LOG'] === '1' ? {} : { log: () => {} }),
    // Rare, and what a test that then waits in vain needs said: printed whatever the log setting.
    onConsumerStopped: (error, groupId) =>
      console.error(`a Kafka consumer of group ${groupId} stopped for good: ${error.name}: ${error.message}`),
  });
}

/** An admin client closed when the test ends. */
export async function kafkaAdmin(t: TestContext): Promise<KafkaAdmin> {
  const admin = await kafkaClient().admin();
  onCleanup(t, () => admin.close());
  return admin;
}

/** Creates a topic with a unique name, deleted when the test ends. */
export async function createTestTopic(
  t: TestContext,
  admin: KafkaAdmin,
  shape: Partial<Omit<TopicDescription, 'name'>> & { prefix?: string } = {},
): Promise<TopicDescription> {
  const topic: TopicDescription = {
    name: uniqueName(shape.prefix ?? 'test-topic'),
    partitions: shape.partitions ?? 1,
    replicationFactor: shape.replicationFactor ?? 1,
    configs: shape.configs ?? {},
  };
  onCleanup(t, () => admin.deleteTopics([topic.name]));
  try {
    await admin.createTopics([topic]);
  } catch (error) {
    // On a busy broker kafkajs's wait for the new topic's leaders can fail with
    // UNKNOWN_TOPIC_OR_PARTITION although the topic was created: wait for the topic instead.
    await waitFor(
      async () => (await admin.describeTopics([topic.name])).get(topic.name)?.partitions === topic.partitions,
      { description: `topic ${topic.name} after "${(error as Error).message}"`, timeoutMs: 30_000 },
    );
  }
  return topic;
}

export function schemaRegistry(): SchemaRegistry {
  return createSchemaRegistry(endpoints().schemaRegistryUrl);
}

/** Deletes a subject (soft, then permanently) when the test ends, through the Confluent REST API. */
export function deleteSubjectAfter(t: TestContext, subject: string): void {
  onCleanup(t, () => deleteSubject(endpoints().schemaRegistryUrl, subject));
}

/**
 * A Redis connection closed when the test ends, and the keys of a namespace of the test's own
 * (`keys`, every one under `prefix`), deleted then.
 */
export function redisClient(t: TestContext): { redis: Redis; prefix: string; keys: RedisKeys } {
  const redis = new Redis(endpoints().redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // A test that stops Redis (fault/redis-restart.test.ts) sees its failures in what it asserts;
  // unheard, ioredis printed each reconnection's error to the test log.
  redis.on('error', () => {});
  const namespace = uniqueName('sedano-test');
  const keys = redisKeys(namespace);
  const prefix = `${namespace}:`;
  onCleanup(t, async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return { redis, prefix, keys };
}

export interface CollectedMessages {
  /** Every message read so far, in arrival order. */
  messages: IncomingMessage[];
  /** Resolves with the messages once `done(messages)` holds. */
  until(
    done: (messages: IncomingMessage[]) => boolean,
    description: string,
    timeoutMs?: number,
  ): Promise<IncomingMessage[]>;
}

/** Reads `topics` from the beginning with a new consumer group, closed when the test ends. */
export async function collectMessages(t: TestContext, topics: readonly string[]): Promise<CollectedMessages> {
  const consumer = await kafkaClient().consumer(uniqueName('test-collector'));
  onCleanup(t, () => consumer.close());
  const messages: IncomingMessage[] = [];
  await consumer.consume({ topics, fromBeginning: true, handle: (message) => void messages.push(message) });
  return {
    messages,
    until: (done, description, timeoutMs = 30_000) =>
      waitFor(() => done(messages) && messages, { description, timeoutMs, intervalMs: 50 }),
  };
}

/**
 * A deployment namespace of the test's own: the declared topics of `namespace` that `used`
 * names, created now and deleted at the test's end with their subjects and every Redis key of
 * the namespace (for tests that run whole services in a namespace, not a sandbox).
 */
export async function namespaceOfItsOwn(
  t: TestContext,
  namespace: string,
  used: (names: TopologyNames) => readonly string[],
): Promise<{ names: TopologyNames; keys: RedisKeys; redis: Redis }> {
  const names = topologyNames(namespace);
  const keys = redisKeys(namespace);
  const wanted = new Set(used(names));
  const topics = declaredTopics(names, { replicationFactor: 1 }).filter((topic) => wanted.has(topic.name));
  const admin = await kafkaAdmin(t);
  await admin.createTopics(topics);
  onCleanup(t, () => admin.deleteTopics(topics.map((topic) => topic.name)));
  for (const topic of topics) deleteSubjectAfter(t, names.valueSubject(topic.name));
  const { redis } = redisClient(t);
  onCleanup(t, async () => {
    const left = await redis.keys(keys.pattern);
    if (left.length > 0) await redis.del(...left);
  });
  return { names, keys, redis };
}
