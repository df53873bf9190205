/**
 * The analyzer worker (`npm run analyzer`): the analysis stage, its handler in worker threads.
 * Settings: services/analyzer/settings.ts (checked here at start-up).
 */
import { runService } from '../lib/service-kit.ts';
import { createAnalyzerStage } from './analyzer-stage.ts';
import { analyzerSettings, analyzerThreadSettings } from './settings.ts';

await runService(
  {
    name: 'analysis',
    settings: analyzerSettings,
    async start(kit) {
      await kit.startStage(
        createAnalyzerStage(analyzerThreadSettings(kit.settings), { concurrency: kit.settings.concurrency }),
      );
    },
  },
  process.env,
);
