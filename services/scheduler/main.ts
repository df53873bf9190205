/**
 * The scheduler (`npm run scheduler`): fires each maintenance schedule's slots exactly once,
 * however many schedulers run. Settings: services/scheduler/settings.ts.
 */
import { runService } from '../lib/service-kit.ts';
import { startScheduler } from './scheduler.ts';
import { schedulerSettings } from './settings.ts';

await runService(
  {
    name: 'scheduler',
    settings: schedulerSettings,
    async start(kit) {
      const producer = await kit.kafka().producer();
      kit.onClose('producer', () => producer.close());
      const scheduler = await startScheduler({
        redis: kit.redis(),
        producer,
        codec: kit.codec(),
        logger: kit.logger,
        names: kit.names,
        keys: kit.keys.schedules,
        overrides: kit.settings.schedules,
        schedulerId: kit.workerId,
        lateToleranceMs: kit.settings.lateTolerance,
        claimLeaseMs: kit.settings.claimLease,
        pollIntervalMs: kit.settings.pollInterval,
      });
      kit.onClose('scheduler', () => scheduler.close());
    },
  },
  process.env,
);
