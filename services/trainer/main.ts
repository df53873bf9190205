/**
 * The trainer worker (`npm run trainer`): the training stage, its handler in worker threads, each
 * with its own embedder, model registry and Redis connection. Settings: services/trainer/settings.ts
 * (checked here at start-up, so a bad value stops the worker before it takes a job).
 */
import { embedderSettingsProblems } from '../indexer/embedding-access.ts';
import { runService } from '../lib/service-kit.ts';
import { createTrainerStage } from './trainer-stage.ts';
import { trainerSettings, trainerThreadSettings } from './settings.ts';

await runService(
  {
    name: 'training',
    settings: trainerSettings,
    check: embedderSettingsProblems,
    async start(kit) {
      const threadSettings = trainerThreadSettings(kit.settings);
      await kit.startStage(createTrainerStage(threadSettings, { concurrency: kit.settings.concurrency }));
      kit.logger.info(
        { modelDir: threadSettings.modelDir, embedder: threadSettings.embedder.kind },
        'training stage running',
      );
    },
  },
  process.env,
);
