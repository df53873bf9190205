/**
 * The connections a `ctl` command needs, opened on first use and closed once the command
 * ends: a Kafka admin and producer, Redis, the codec. Endpoints come from the environment
 * (services/lib/endpoints.ts), as for every sedano process.
 */
import { Redis } from 'ioredis';
import { createCodec, type Codec } from '../../services/lib/codec.ts';
import { type Endpoints, resolveEndpoints } from '../../services/lib/endpoints.ts';
import { createKafkaClient, type KafkaAdmin, type KafkaClient, type KafkaProducer } from '../../services/lib/kafka.ts';
import { kafkaConnection } from '../../services/lib/kafka-connection.ts';
import { createSchemaRegistry } from '../../services/lib/schema-registry.ts';
import { CtlError } from './output.ts';

export interface CtlClients {
  readonly endpoints: Endpoints;
  readonly kafka: KafkaClient;
  admin(): Promise<KafkaAdmin>;
  producer(): Promise<KafkaProducer>;
  redis(): Promise<Redis>;
  codec(): Codec;
  /** Closes every connection opened so far; safe to call more than once. */
  close(): Promise<void>;
}

export function createCtlClients(env: NodeJS.ProcessEnv = process.env): CtlClients {
  const endpoints = resolveEndpoints(env);
  // kafkajs's own warnings (retries, rebalances) are noise on an operator's terminal; the
  // errors that matter reach the command as exceptions.
  const kafka = createKafkaClient({ ...kafkaConnection(env), clientId: 'sedano-ctl', log: () => {} });
  let admin: Promise<KafkaAdmin> | undefined;
  let producer: Promise<KafkaProducer> | undefined;
  let redis: Promise<Redis> | undefined;
  let codec: Codec | undefined;

  const reachable = <T>(what: string, opening: Promise<T>) =>
    opening.catch((error: unknown) => {
      throw new CtlError(`${what} did not answer: ${(error as Error).message}`);
    });

  return {
    endpoints,
    kafka,
    admin: () => (admin ??= reachable(`Kafka at ${endpoints.kafkaBrokers.join(',')}`, kafka.admin())),
    producer: () => (producer ??= reachable(`Kafka at ${endpoints.kafkaBrokers.join(',')}`, kafka.producer())),
    redis: () =>
      (redis ??= reachable(
        `Redis at ${endpoints.redisUrl}`,
        (async () => {
          // One attempt, no reconnection: a command fails at once when Redis is away.
          const client = new Redis(endpoints.redisUrl, {
            lazyConnect: true,
            maxRetriesPerRequest: 1,
            connectTimeout: 5_000,
            retryStrategy: () => null,
          });
          // ioredis rejects with "Connection is closed"; the reason (WRONGPASS, a certificate
          // refused) came as an error event first.
          let reason: Error | undefined;
          client.on('error', (error: Error) => (reason ??= error));
          await client.connect().catch((error: unknown) => {
            throw reason ?? error;
          });
          return client;
        })(),
      )),
    codec: () => (codec ??= createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) })),
    async close() {
      const closing: Promise<void>[] = [];
      if (admin) closing.push(admin.then((client) => client.close()));
      if (producer) closing.push(producer.then((client) => client.close()));
      if (redis) closing.push(redis.then((client) => client.disconnect()));
      admin = producer = redis = undefined;
      // Closing is best effort: a client that never opened has nothing to close.
      await Promise.allSettled(closing);
    },
  };
}
