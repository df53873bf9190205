/**
 * The indexer worker (`npm run indexer`): runs the indexing stage until SIGTERM or SIGINT,
 * then shuts down gracefully (running jobs get the grace period; the rest are redelivered).
 * Its handler runs in worker threads, each with its own store, embedder and Redis connection.
 *
 * Configuration: the endpoints (services/lib/endpoints.ts), SEDANO_WORKER_ID, the indexer's
 * settings (indexer-settings.ts: document roots, embedder, vector store, cache prefix; checked
 * here at start-up so a bad value stops the worker before it takes a job), and
 * SEDANO_INDEXER_CONCURRENCY (jobs at once, and threads, default 4).
 */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { createCodec } from '../lib/codec.ts';
import { resolveEndpoints } from '../lib/endpoints.ts';
import { createKafkaClient } from '../lib/kafka.ts';
import { createLogger } from '../lib/logger.ts';
import { startStageRuntime } from '../lib/runtime/stage-runtime.ts';
import { createSchemaRegistry } from '../lib/schema-registry.ts';
import { closeInOrder, closeOnSignal } from '../lib/shutdown.ts';
import { positiveIntegerSettingOrExit } from '../lib/settings.ts';
import { startTelemetry } from '../lib/telemetry.ts';
import { createIndexerStage, DEFAULT_INDEXER_CONCURRENCY } from './indexer-stage.ts';
import { resolveIndexerSettings } from './indexer-settings.ts';

const endpoints = resolveEndpoints();
const workerId = process.env['SEDANO_WORKER_ID'] ?? `indexing@${hostname()}:${process.pid}`;
const logger = createLogger('sedano-indexing').child({ workerId });
let settings;
try {
  settings = resolveIndexerSettings(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const concurrency = positiveIntegerSettingOrExit(
  process.env,
  'SEDANO_INDEXER_CONCURRENCY',
  DEFAULT_INDEXER_CONCURRENCY,
);
const telemetry = startTelemetry({ serviceName: 'sedano-indexing', otlpEndpoint: endpoints.otlpEndpoint });
const redis = new Redis(endpoints.redisUrl);
const runtime = await startStageRuntime(createIndexerStage({ concurrency }), {
  kafka: createKafkaClient({ brokers: endpoints.kafkaBrokers, clientId: workerId }),
  codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
  redis,
  logger,
  workerId,
  threadTelemetry: { serviceName: 'sedano-indexing', otlpEndpoint: endpoints.otlpEndpoint },
});
logger.info(
  { documentRoots: settings.documentRoots, embedder: settings.embedder.kind, concurrency },
  'indexing stage running',
);

closeOnSignal(
  logger,
  closeInOrder(logger, () => [
    ['stage runtime', () => runtime.close()],
    ['telemetry', () => telemetry.shutdown()],
    ['redis', async () => redis.disconnect()],
    ['log', async () => logger.info({ state: runtime.state }, 'stopped')],
  ]),
);
