/**
 * The scheduler's settings (services/lib/settings.ts): the shared base, per-schedule overrides
 * and the loop's timings. main.ts resolves them once and passes them to `startScheduler`.
 */
import { baseSettings, defineSettings, type ResolvedSettings, setting } from '../lib/settings.ts';
import type { ScheduleOverride } from './schedule.ts';

/** Reads the overrides' JSON object (pure); each override is checked by `resolveSchedules`. */
export function parseScheduleOverrides(text: string): Record<string, ScheduleOverride> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const isObject = (candidate: unknown) =>
      typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate);
    if (!isObject(value) || !Object.values(value as object).every(isObject)) return undefined;
    return value as Record<string, ScheduleOverride>;
  } catch {
    return undefined;
  }
}

export const schedulerSettings = defineSettings({
  ...baseSettings,
  schedules: setting.custom(
    'SEDANO_SCHEDULES',
    { expected: 'a JSON object of schedule name to override', parse: parseScheduleOverrides },
    {
      description:
        'overrides of the declared schedules as JSON, e.g. `{"backup": {"cron": "30 1 * * *", "timeZone": "Europe/Rome", "missedSlots": "all", "maxMissedSlots": 3}, "weekly-report": {"enabled": false}}`',
      default: '{}',
    },
  ),
  lateTolerance: setting.duration('SEDANO_SCHEDULER_LATE_TOLERANCE', {
    description: 'age up to which a slot is fired as on time; older ones are missed and follow their policy',
    default: '60s',
    minimumMs: 1,
  }),
  claimLease: setting.duration('SEDANO_SCHEDULER_CLAIM_LEASE', {
    description: 'how long a scheduler holds a slot it is emitting; one that dies frees the slot after it',
    default: '30s',
    minimumMs: 1,
  }),
  pollInterval: setting.duration('SEDANO_SCHEDULER_POLL_INTERVAL', {
    description: 'longest sleep of a scheduler between two looks at the schedules (pause, resume, held slots)',
    default: '1s',
    minimumMs: 1,
  }),
});

export type SchedulerSettings = ResolvedSettings<typeof schedulerSettings>;
