/**
 * The noop worker: runs the built-in noop stage until SIGTERM or SIGINT, then shuts down
 * gracefully (running jobs get the grace period; the rest are redelivered). Its handler runs
 * in worker threads, so a long CPU spin never stops the consumer's heartbeats.
 *
 * Configuration: the endpoints (services/lib/endpoints.ts), SEDANO_WORKER_ID, and
 * SEDANO_NOOP_CONCURRENCY (jobs at once, and threads, default 8).
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
import { createThreadedNoopStage } from './noop-stage.ts';

const endpoints = resolveEndpoints();
const workerId = process.env['SEDANO_WORKER_ID'] ?? `noop@${hostname()}:${process.pid}`;
const logger = createLogger('sedano-noop').child({ workerId });
const concurrency = positiveIntegerSettingOrExit(process.env, 'SEDANO_NOOP_CONCURRENCY', 8);
const telemetry = startTelemetry({ serviceName: 'sedano-noop', otlpEndpoint: endpoints.otlpEndpoint });
const redis = new Redis(endpoints.redisUrl);
const runtime = await startStageRuntime(createThreadedNoopStage({ concurrency }), {
  kafka: createKafkaClient({ brokers: endpoints.kafkaBrokers, clientId: workerId }),
  codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
  redis,
  logger,
  workerId,
  threadTelemetry: { serviceName: 'sedano-noop', otlpEndpoint: endpoints.otlpEndpoint },
});
logger.info('noop stage running');

closeOnSignal(
  logger,
  closeInOrder(logger, () => [
    ['stage runtime', () => runtime.close()],
    ['telemetry', () => telemetry.shutdown()],
    ['redis', async () => redis.disconnect()],
    ['log', async () => logger.info({ state: runtime.state }, 'stopped')],
  ]),
);
