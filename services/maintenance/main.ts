/**
 * The maintenance worker (`npm run maintenance`): runs the requests the scheduler emits on the
 * maintenance topic, each task at most once per slot: cache cleanup, index optimisation,
 * backup, weekly report. Settings: services/maintenance/settings.ts.
 */
import { DEFAULT_EMBEDDING_CACHE_TTL_SECONDS } from '../indexer/embedding-access.ts';
import { DEFAULT_LANCEDB_DATA_DIR, openVectorStore, vectorStoreOptionsOf } from '../indexer/store-access.ts';
import { createJobClient } from '../lib/job-client.ts';
import { runService } from '../lib/service-kit.ts';
import { openModelArchive } from '../trainer/model-catalog.ts';
import { declaredTopics } from '../../topology/topics.ts';
import { startMaintenance } from './maintenance-worker.ts';
import { maintenanceSettings } from './settings.ts';
import { createBackup } from './tasks/backup.ts';
import { createCacheCleanup } from './tasks/cache-cleanup.ts';
import { createDirectoryFileStore } from './tasks/file-store.ts';
import { createIndexOptimisation } from './tasks/index-optimisation.ts';
import { lanceDbOptimizerPort, vectorStoreOptimizerPort } from './tasks/index-optimizer-port.ts';
import { registrySubjects } from './tasks/registry-subjects.ts';
import { createWeeklyReport } from './tasks/weekly-report.ts';

await runService(
  {
    name: 'maintenance',
    settings: maintenanceSettings,
    async start(kit) {
      const { settings, names, keys } = kit;
      const kafka = kit.kafka();
      const codec = kit.codec();
      const redis = kit.redis();
      const admin = await kafka.admin();
      kit.onClose('admin', () => admin.close());
      const producer = await kafka.producer();
      kit.onClose('producer', () => producer.close());
      const storeOptions = vectorStoreOptionsOf(settings);
      const store = await openVectorStore(storeOptions);
      kit.onClose('vector store', () => store.close());
      // LanceDB lists its collections from its directory; Qdrant's optimizers run per collection on their own.
      const optimizer =
        storeOptions.qdrantUrl === undefined
          ? await lanceDbOptimizerPort(store, storeOptions.dataDir ?? DEFAULT_LANCEDB_DATA_DIR)
          : vectorStoreOptimizerPort(store, []);
      kit.onClose('optimizer', () => optimizer.close());
      const jobs = createJobClient({ producer, codec, names, submitter: kit.serviceName });
      const worker = await startMaintenance({
        kafka,
        codec,
        redis,
        logger: kit.logger,
        names,
        workerId: kit.workerId,
        keys,
        tasks: {
          CACHE_CLEANUP: createCacheCleanup({
            redis,
            admin,
            keys,
            embeddings: {
              cacheTtlMs: DEFAULT_EMBEDDING_CACHE_TTL_SECONDS * 1000,
              maxAgeMs: settings.embeddingCacheMaxAge,
            },
            workers: { goneAfterMs: settings.workerGoneAfter },
            purgeMarks: true,
            statusView: {},
            readerGroupPrefixes: [names.readerGroupPrefix, names.rebuildGroupPrefix, names.controlGroupPrefix],
            exportFiles: { store: createDirectoryFileStore(settings.exportDir), retentionMs: settings.exportRetention },
          }),
          OPTIMIZE_INDEX: createIndexOptimisation(optimizer),
          BACKUP: createBackup({
            backupDir: settings.backupDir,
            vectorStore: store,
            collections: () => optimizer.collections(),
            kafka,
            admin,
            codec,
            statusTopic: names.statusTopic,
            readerGroup: names.readerGroup,
            subjects: registrySubjects(settings.schemaRegistryUrl),
            subjectPrefix: `${names.namespace}.`,
            topology: { topics: declaredTopics(names, { replicationFactor: 1 }).map((topic) => topic.name) },
            models: openModelArchive(redis, { modelDir: settings.modelDir, namespace: names.namespace }),
            keepDaily: settings.backupKeepDaily,
            keepWeekly: settings.backupKeepWeekly,
          }),
          WEEKLY_REPORT: createWeeklyReport({
            kafka,
            admin,
            codec,
            statusTopic: names.statusTopic,
            deadLetterTopic: names.deadLetterTopic,
            readerGroup: names.readerGroup,
            submitExport: async (payload, idempotencyKey) =>
              (await jobs.submit('export', payload, { idempotencyKey })).jobId,
          }),
        },
      });
      kit.onClose('maintenance worker', () => worker.close());
    },
  },
  process.env,
);
