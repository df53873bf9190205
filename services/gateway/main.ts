/**
 * The gateway service: the HTTP API of sedano (`npm run gateway`). Reads its configuration
 * (config.ts) and the endpoints, builds the clients, indexes the dead-letter topic, listens,
 * and closes everything on SIGTERM or SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { GATEWAY_METRICS_GROUP_PREFIX } from '../../topology/groups.ts';
import { createCodec } from '../lib/codec.ts';
import { resolveEndpoints } from '../lib/endpoints.ts';
import { createKafkaClient } from '../lib/kafka.ts';
import { createLogger } from '../lib/logger.ts';
import { createSchemaRegistry } from '../lib/schema-registry.ts';
import { createStatusView } from '../lib/status-view.ts';
import { closeInOrder, closeOnSignal } from '../lib/shutdown.ts';
import { startTelemetry } from '../lib/telemetry.ts';
import { createEmbedder } from '../indexer/embedding/create.ts';
import { resolveIndexerSettings } from '../indexer/indexer-settings.ts';
import { createVectorStore } from '../indexer/vector-store/create.ts';
import { buildGatewayApp } from './app.ts';
import { GatewayConfigError, resolveGatewayConfig } from './config.ts';
import { createDeadLetterIndex, startDeadLetterIndexer } from './dead-letter-index.ts';
import { createJobEventMetrics } from './job-event-metrics.ts';
import { startStatusMetrics } from './status-metrics.ts';
import { declaredGatewayTopics } from './topics.ts';

const SERVICE = 'sedano-gateway';
const logger = createLogger(SERVICE);
let config;
let indexerSettings;
try {
  config = resolveGatewayConfig();
  // Collection search embeds queries as the indexer embeds chunks: same settings, same variables.
  indexerSettings = resolveIndexerSettings(process.env);
} catch (error) {
  if (!(error instanceof GatewayConfigError) && !(error instanceof RangeError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const endpoints = resolveEndpoints();
const telemetry = startTelemetry({ serviceName: SERVICE, otlpEndpoint: endpoints.otlpEndpoint });
// Two connections: the status view runs WATCH/MULTI on its own (status-view.ts), the rest share one.
const redis = new Redis(endpoints.redisUrl);
const viewRedis = new Redis(endpoints.redisUrl);
for (const connection of [redis, viewRedis]) {
  connection.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
}
const kafka = createKafkaClient({
  brokers: endpoints.kafkaBrokers,
  clientId: SERVICE,
  log: (level, message, extra) => logger[level]({ ...extra, component: 'kafkajs' }, message),
});
const codec = createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) });
const topics = declaredGatewayTopics();
const admin = await kafka.admin();
const producer = await kafka.producer();
const deadLetters = createDeadLetterIndex({ redis });
const store = await createVectorStore(indexerSettings.store);
const embedder = await createEmbedder(indexerSettings.embedder);
const indexer = await startDeadLetterIndexer({
  kafka,
  codec,
  index: deadLetters,
  topic: topics.deadLetter,
  groupId: topics.deadLetterGroup,
  logger,
});
// One registry: the job metrics from the status topic beside the gateway's own (metrics.ts).
const metricsRegistry = new Registry();
const statusMetrics = await startStatusMetrics({
  kafka,
  codec,
  metrics: createJobEventMetrics(metricsRegistry),
  topic: topics.status,
  groupId: `${GATEWAY_METRICS_GROUP_PREFIX}${randomUUID()}`,
  logger,
});
const app = await buildGatewayApp({
  admin,
  producer,
  codec,
  redis,
  view: createStatusView({ redis: viewRedis }),
  tokens: config.tokens,
  logger,
  deadLetters,
  topics,
  jaegerUiUrl: config.jaegerUiUrl,
  jaegerQueryUrl: config.jaegerQueryUrl,
  collections: { store, embedder },
  metricsRegistry,
  async checkRegistry() {
    const response = await fetch(`${endpoints.schemaRegistryUrl}/subjects`, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) throw new Error(`schema registry answered ${response.status}`);
  },
});

const close = closeInOrder(logger, () => [
  ['http server', () => app.close()],
  ['dead-letter indexer', () => indexer.close()],
  ['status metrics', () => statusMetrics.close()],
  ['producer', () => producer.close()],
  ['admin', () => admin.close()],
  ['vector store', () => store.close()],
  ['redis', () => Promise.all([redis.quit(), viewRedis.quit()])],
  ['telemetry', () => telemetry.shutdown()],
]);
closeOnSignal(logger, close);
try {
  await app.listen({ host: config.host, port: config.port });
  logger.info({ tokens: config.tokens.map((token) => token.name) }, 'gateway listening');
} catch (error) {
  logger.error({ err: error }, 'gateway failed to start');
  process.exitCode = 1;
  await close();
}
