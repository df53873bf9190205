/**
 * The gateway (`npm run gateway`): the HTTP API of sedano. Settings: services/gateway/config.ts.
 * Collection search opens the indexer's store and embedder through the indexer's search port;
 * if that fails (a bad embedder setting, an unreachable store), the gateway still serves every
 * other route and search answers 503. The model routes read the trainer's model registry through
 * its model-catalog port (the index in Redis, the files in SEDANO_MODEL_DIR).
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { type CollectionSearch, openCollectionSearch } from '../indexer/search.ts';
import { openExportStorage } from '../exporter/export-access.ts';
import { runService } from '../lib/service-kit.ts';
import { registryFetch } from '../lib/schema-registry.ts';
import { openScheduleControl } from '../scheduler/schedule-control.ts';
import { openModelCatalog } from '../trainer/model-catalog.ts';
import { createStatusView } from '../lib/status-view.ts';
import { buildGatewayApp } from './app.ts';
import { apiTokensOf, checkGatewaySettings, gatewaySettings } from './config.ts';
import { createDeadLetterIndex, startDeadLetterIndexer } from './dead-letter-index.ts';
import { createJobEventMetrics } from './job-event-metrics.ts';
import { adminWithDeadline, codecWithDeadline, producerWithDeadline } from './deadlines.ts';
import { startStatusMetrics } from './status-metrics.ts';
import { gatewayTopics, learnGatewayWrites } from './topics.ts';

await runService(
  {
    name: 'gateway',
    settings: gatewaySettings,
    check: checkGatewaySettings,
    async start(kit) {
      const { settings, logger, names, keys } = kit;
      const tokens = apiTokensOf(settings);
      const kafka = kit.kafka();
      const codec = kit.codec();
      // A request waits at most redisTimeoutMs for Redis: while Redis was away, a read waited for
      // ioredis's reconnections (10-42 s) before its 503, and a submission for its estimate.
      const redisOptions = { commandTimeoutMs: settings.redisTimeoutMs };
      const redis = kit.redis(redisOptions);
      const topics = gatewayTopics(names);
      // A request waits at most kafkaTimeoutMs for Kafka to answer a call (deadlines.ts).
      const admin = adminWithDeadline(await kafka.admin(), settings.kafkaTimeoutMs);
      kit.onClose('admin', () => admin.close());
      const producer = producerWithDeadline(await kafka.producer(), settings.kafkaTimeoutMs);
      kit.onClose('producer', () => producer.close());
      // Requests wait at most registryTimeoutMs for the registry; the consumers below wait as long as it takes.
      const requestCodec = codecWithDeadline(codec, settings.registryTimeoutMs);
      // Learned now, so that a submission needs no registry while it is away (deadlines.ts).
      void learnGatewayWrites(codec, topics).then(
        (subjects) => logger.info({ subjects }, 'schema ids known for every subject the gateway writes'),
        (error: unknown) =>
          logger.warn({ err: error }, 'schema ids not learned at start: each is learned at its first write'),
      );
      let collections: CollectionSearch | undefined;
      try {
        collections = await openCollectionSearch(settings);
        kit.onClose('collection search', () => collections!.close());
      } catch (error) {
        logger.warn({ err: error }, 'collection search is unavailable (it answers 503); every other route works');
      }
      const deadLetters = createDeadLetterIndex({ redis, keys });
      const indexer = await startDeadLetterIndexer({
        kafka,
        codec,
        index: deadLetters,
        topic: topics.deadLetter,
        groupId: topics.deadLetterGroup,
        logger,
      });
      kit.onClose('dead-letter indexer', () => indexer.close());
      // One registry: the job metrics from the status topic beside the gateway's own (metrics.ts).
      const metricsRegistry = new Registry();
      const statusMetrics = await startStatusMetrics({
        kafka,
        codec,
        metrics: createJobEventMetrics(metricsRegistry),
        topic: topics.status,
        groupId: names.gatewayMetricsGroup(randomUUID()),
        logger,
      });
      kit.onClose('status metrics', () => statusMetrics.close());
      const schedules = openScheduleControl({
        redis,
        producer,
        codec: requestCodec,
        names,
        keys,
        overrides: settings.schedules,
      });
      const app = await buildGatewayApp({
        schedules,
        exports: { storage: openExportStorage(settings.exportDir) },
        admin,
        producer,
        codec: requestCodec,
        redis,
        // Its own connection: the view's scripts and reads do not queue behind the other commands.
        view: createStatusView({ redis: kit.redis(redisOptions), keys: keys.status }),
        names,
        keys,
        topics,
        tokens,
        logger,
        deadLetters,
        accessLog: settings.accessLog,
        jaegerUiUrl: settings.jaegerUiUrl,
        jaegerQueryUrl: settings.jaegerQueryUrl,
        metricsRegistry,
        collections,
        models: openModelCatalog(redis, { modelDir: settings.modelDir, namespace: names.namespace }),
        async checkRegistry() {
          const response = await registryFetch(`${settings.schemaRegistryUrl}/subjects`, {
            signal: AbortSignal.timeout(3_000),
          });
          if (!response.ok) throw new Error(`schema registry answered ${response.status}`);
        },
      });
      kit.onClose('http server', () => app.close());
      await app.listen({ host: settings.host, port: settings.port });
      logger.info({ tokens: tokens.map((token) => token.name) }, 'gateway listening');
    },
  },
  process.env,
);
