/**
 * A service on the kit that, once started, throws from a timer (`exception`) or leaves a
 * promise rejected (`rejection`), as the first argument says. Run by service-kit.test.ts.
 */
import { baseSettings } from '../../../../services/lib/settings.ts';
import { runService } from '../../../../services/lib/service-kit.ts';

const how = process.argv[2];

await runService(
  {
    name: 'crashing',
    settings: baseSettings,
    async start(kit) {
      kit.onClose('the close step', async () => kit.logger.info('the close step ran'));
      // Keeps the process alive, as a real service's connections do.
      const alive = setInterval(() => {}, 1_000);
      kit.onClose('the keep-alive', async () => clearInterval(alive));
      setTimeout(() => {
        if (how === 'exception') throw new Error('a callback threw');
        void Promise.reject(new Error('a promise nobody awaited failed'));
      }, 10);
    },
  },
  process.env,
);
