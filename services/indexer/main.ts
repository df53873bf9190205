/**
 * The indexer worker (`npm run indexer`): the indexing stage, its handler in worker threads, each
 * with its own store, embedder and Redis connection. Settings: services/indexer/settings.ts (checked
 * here at start-up, so a bad value stops the worker before it takes a job).
 */
import { runService } from '../lib/service-kit.ts';
import { createIndexerStage } from './indexer-stage.ts';
import { embedderSettingsProblems } from './embedding/create.ts';
import { indexerSettings, indexerThreadSettings } from './settings.ts';

await runService(
  {
    name: 'indexing',
    settings: indexerSettings,
    check: embedderSettingsProblems,
    async start(kit) {
      const threadSettings = indexerThreadSettings(kit.settings);
      await kit.startStage(createIndexerStage(threadSettings, { concurrency: kit.settings.concurrency }));
      kit.logger.info(
        { documentRoots: threadSettings.documentRoots, embedder: threadSettings.embedder.kind },
        'indexing stage running',
      );
    },
  },
  process.env,
);
