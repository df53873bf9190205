/**
 * The status projector (`npm run status`): keeps the Redis status view up to date from the status
 * topic, keeps the batch declarations, and submits each batch's follow-up once its children have
 * ended. Settings: services/status-projector/settings.ts.
 *
 *   node services/status-projector/main.ts          project until SIGTERM or SIGINT
 *   node services/status-projector/main.ts rebuild  drop the view and rebuild it from the topic
 */
import { runService } from '../lib/service-kit.ts';
import { createStatusView } from '../lib/status-view.ts';
import { rebuildStatusView, startStatusProjector } from './projector.ts';
import { statusProjectorSettings } from './settings.ts';

const command = process.argv[2] ?? 'run';
if (command !== 'run' && command !== 'rebuild') {
  console.error(`usage: node services/status-projector/main.ts [run|rebuild] (got "${command}")`);
  process.exitCode = 2;
} else {
  await runService(
    {
      name: 'status-projector',
      settings: statusProjectorSettings,
      async start(kit) {
        const kafka = kit.kafka();
        const { logger, names } = kit;
        const codec = kit.codec();
        // Its own connection: the view's scripts and reads do not queue behind the other commands.
        const view = createStatusView({
          redis: kit.redis(),
          keys: kit.keys.status,
          resultTtlSeconds: kit.settings.resultTtlMs / 1000,
        });
        if (command === 'rebuild') {
          const { events, jobs, declarations, poison, durationMs } = await rebuildStatusView({
            kafka,
            codec,
            view,
            logger,
            names,
          });
          console.log(
            `status view rebuilt: ${events} events, ${jobs} jobs, ${declarations} batch declarations` +
              `${poison > 0 ? `, ${poison} poison messages dead-lettered` : ''} in ${(durationMs / 1000).toFixed(1)} s`,
          );
          await kit.shutdown();
          return;
        }
        const projector = await startStatusProjector({
          kafka,
          codec,
          view,
          logger,
          names,
          tracer: kit.telemetry.tracer,
        });
        kit.onClose('projector', () => projector.close());
      },
    },
    process.env,
  );
}
