/**
 * The noop worker (`npm run noop`): the built-in noop stage, its handler in worker threads so a
 * long CPU spin never stops the consumer's heartbeats. Settings: services/noop/settings.ts.
 */
import { runService } from '../lib/service-kit.ts';
import { createThreadedNoopStage } from './noop-stage.ts';
import { noopSettings } from './settings.ts';

await runService(
  {
    name: 'noop',
    settings: noopSettings,
    async start(kit) {
      await kit.startStage(createThreadedNoopStage({ concurrency: kit.settings.concurrency }));
    },
  },
  process.env,
);
