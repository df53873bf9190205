/**
 * The Docker path of the test harness: where a Docker engine answers, the components not
 * given in the environment run as containers of the same images as docker-compose.yml.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { GenericContainer, getContainerRuntimeClient, Network, type StartedTestContainer, Wait } from 'testcontainers';
import { parse } from 'yaml';
import type { ComponentName } from '../../services/lib/endpoints.ts';

/** True if testcontainers finds a Docker (or compatible) engine that answers. */
export async function dockerEngineAnswers(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

interface ComposeFile {
  services: Record<string, { image?: string; environment?: Record<string, string> }>;
}

/** The image docker-compose.yml runs for a service, so both paths use the same versions. */
export function composeImage(service: string): string {
  const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as ComposeFile;
  const image = compose.services[service]?.image;
  if (!image) throw new Error(`docker-compose.yml has no image for service ${service}`);
  return image;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface StartedContainers {
  env: Record<string, string>;
  stop: () => Promise<void>;
}

/** Starts a container for each named component and returns the environment that points at them. */
export async function startContainers(components: ReadonlySet<ComponentName>): Promise<StartedContainers> {
  const runtime = await getContainerRuntimeClient();
  const host = runtime.info.containerRuntime.host;
  const network = await new Network().start();
  const started: StartedTestContainer[] = [];
  const env: Record<string, string> = {};
  const stop = async () => {
    await Promise.allSettled(started.map((container) => container.stop()));
    await network.stop();
  };
  try {
    if (components.has('kafka')) {
      // The advertised address must be known before the broker starts, so the host port is fixed.
      const hostPort = await freePort();
      const kafka = await new GenericContainer(composeImage('kafka'))
        .withNetwork(network)
        .withNetworkAliases('kafka')
        .withExposedPorts({ container: 9092, host: hostPort })
        .withEnvironment({
          CLUSTER_ID: 'sedano-test-cluster-00001',
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'HOST://0.0.0.0:9092,INTERNAL://0.0.0.0:19092,CONTROLLER://0.0.0.0:9093',
          KAFKA_ADVERTISED_LISTENERS: `HOST://${host}:${hostPort},INTERNAL://kafka:19092`,
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'HOST:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
          KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start();
      started.push(kafka);
      env['KAFKA_BROKERS'] = `${host}:${hostPort}`;
    }
    if (components.has('schema-registry')) {
      const registry = await new GenericContainer(composeImage('schema-registry'))
        .withNetwork(network)
        .withExposedPorts(8081)
        .withEnvironment({
          SCHEMA_REGISTRY_HOST_NAME: 'schema-registry',
          SCHEMA_REGISTRY_LISTENERS: 'http://0.0.0.0:8081',
          SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: components.has('kafka')
            ? 'PLAINTEXT://kafka:19092'
            : `PLAINTEXT://${process.env['KAFKA_BROKERS'] ?? ''}`,
        })
        .withWaitStrategy(Wait.forHttp('/subjects', 8081))
        .start();
      started.push(registry);
      env['SCHEMA_REGISTRY_URL'] = `http://${host}:${registry.getMappedPort(8081)}`;
    }
    if (components.has('redis')) {
      const redis = await new GenericContainer(composeImage('redis'))
        .withExposedPorts(6379)
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start();
      started.push(redis);
      env['REDIS_URL'] = `redis://${host}:${redis.getMappedPort(6379)}`;
    }
    if (components.has('jaeger')) {
      const jaeger = await new GenericContainer(composeImage('jaeger'))
        .withExposedPorts(4318, 16686)
        .withWaitStrategy(Wait.forHttp('/api/services', 16686))
        .start();
      started.push(jaeger);
      env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `http://${host}:${jaeger.getMappedPort(4318)}`;
      env['JAEGER_QUERY_URL'] = `http://${host}:${jaeger.getMappedPort(16686)}`;
    }
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
