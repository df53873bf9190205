/** The noop worker's settings (services/lib/settings.ts). */
import { baseSettings, defineSettings, setting } from '../lib/settings.ts';

export const noopSettings = defineSettings({
  ...baseSettings,
  concurrency: setting.integer('SEDANO_NOOP_CONCURRENCY', {
    description: 'jobs one noop worker runs at once, one per worker thread',
    default: 8,
    minimum: 1,
    maximum: 256,
  }),
});
