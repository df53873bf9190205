/** The status projector's settings (services/lib/settings.ts). */
import { baseSettings, defineSettings, setting } from '../lib/settings.ts';

export const statusProjectorSettings = defineSettings({
  ...baseSettings,
  resultTtlMs: setting.duration('SEDANO_RESULT_TTL', {
    description:
      'how long a finished job stays in the Redis status view after it ended (the compacted topic keeps it for `rebuild`); a bare number is in seconds',
    default: '24h',
    bareUnit: 's',
    minimumMs: 1_000,
  }),
});
