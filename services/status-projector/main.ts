/**
 * Status projector service: keeps the Redis status view up to date from the status topic, keeps
 * the batch declarations, and submits each batch's follow-up once its children have ended.
 *
 *   node services/status-projector/main.ts          project until SIGTERM or SIGINT
 *   node services/status-projector/main.ts rebuild  drop the view and rebuild it from the topic
 *
 * Configuration: the endpoints (services/lib/endpoints.ts) and SEDANO_RESULT_TTL, how long a
 * finished job stays in the view, in seconds (default 86400).
 */
import { Redis } from 'ioredis';
import { BATCH_MAX_MESSAGE_BYTES } from '../../topology/topics.ts';
import { createCodec } from '../lib/codec.ts';
import { resolveEndpoints } from '../lib/endpoints.ts';
import { createKafkaClient } from '../lib/kafka.ts';
import { createLogger } from '../lib/logger.ts';
import { createSchemaRegistry } from '../lib/schema-registry.ts';
import { createStatusView } from '../lib/status-view.ts';
import { closeInOrder, closeOnSignal } from '../lib/shutdown.ts';
import { positiveIntegerSettingOrExit } from '../lib/settings.ts';
import { startTelemetry } from '../lib/telemetry.ts';
import { rebuildStatusView, startStatusProjector, type StatusProjector } from './projector.ts';

const SERVICE = 'sedano-status-projector';

const command = process.argv[2] ?? 'run';
if (command !== 'run' && command !== 'rebuild') {
  console.error(`usage: node services/status-projector/main.ts [run|rebuild] (got "${command}")`);
  process.exit(2);
}

const logger = createLogger(SERVICE);
const endpoints = resolveEndpoints();
const ttlSeconds = positiveIntegerSettingOrExit(process.env, 'SEDANO_RESULT_TTL', 86_400);
const telemetry = startTelemetry({ serviceName: SERVICE, otlpEndpoint: endpoints.otlpEndpoint });
const redis = new Redis(endpoints.redisUrl, { lazyConnect: true });
redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
const kafka = createKafkaClient({
  brokers: endpoints.kafkaBrokers,
  clientId: SERVICE,
  log: (level, message, extra) => logger[level]({ ...extra, component: 'kafkajs' }, message),
});
// A declaration carries its follow-up's whole request, so it may be larger than a job message.
const codec = createCodec({
  registry: createSchemaRegistry(endpoints.schemaRegistryUrl),
  maxMessageBytes: BATCH_MAX_MESSAGE_BYTES,
});
const view = createStatusView({ redis, resultTtlSeconds: ttlSeconds });
let projector: StatusProjector | undefined;

let stopping = false;
const closeSteps = closeInOrder(logger, () => [
  ['projector', async () => projector?.close()],
  ['redis', () => redis.quit()],
  ['telemetry', () => telemetry.shutdown()],
]);
function close(): Promise<void> {
  stopping = true;
  return closeSteps();
}
try {
  await redis.connect();
  if (command === 'rebuild') {
    const { events, jobs, declarations, poison, durationMs } = await rebuildStatusView({ kafka, codec, view, logger });
    console.log(
      `status view rebuilt: ${events} events, ${jobs} jobs, ${declarations} batch declarations` +
        `${poison > 0 ? `, ${poison} poison messages dead-lettered` : ''} in ${(durationMs / 1000).toFixed(1)} s`,
    );
    await close();
  } else {
    closeOnSignal(logger, close);
    projector = await startStatusProjector({ kafka, codec, view, logger, tracer: telemetry.tracer });
    // A signal during the start found no projector to close.
    if (stopping) await projector.close();
  }
} catch (error) {
  logger.error({ err: error }, `status projector ${command} failed`);
  process.exitCode = 1;
  await close();
}
