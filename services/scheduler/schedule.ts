/**
 * A deployment's schedules: the ones declared in topology/schedules.ts with its overrides
 * applied and every field checked (cron expression, time zone, policy, bound), all problems
 * reported at once.
 */
import { Cron } from 'croner';
import { MISSED_SLOT_POLICIES, type MissedSlotPolicy, type ScheduleDeclaration } from '../../topology/schedules.ts';
import { SedanoError } from '../lib/errors.ts';

/** What a deployment may change in a declared schedule (by name). */
export interface ScheduleOverride {
  /** Cron expression (5 fields, or 6 with seconds first). */
  cron?: string;
  /** IANA time zone the expression is read in. */
  timeZone?: string;
  missedSlots?: MissedSlotPolicy;
  /** Largest number of missed slots the `all` policy fires after an outage. */
  maxMissedSlots?: number;
  /** False disables the schedule in this deployment. @default true */
  enabled?: boolean;
}

/** A schedule ready to run: every field present and checked. */
export interface ResolvedSchedule {
  name: string;
  task: ScheduleDeclaration['task'];
  cron: string;
  timeZone: string;
  missedSlots: MissedSlotPolicy;
  /** Bound of the `all` policy, in slots. */
  maxMissedSlots: number;
}

/** @default 24: a day of an hourly schedule. */
export const DEFAULT_MAX_MISSED_SLOTS = 24;

/** A schedule's cron expression read in its time zone; croner's own objects never start a timer here. */
export function cronOf(schedule: Pick<ResolvedSchedule, 'cron' | 'timeZone'>): Cron {
  return new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true, mode: '5-or-6-parts' });
}

function problemsOf(schedule: ResolvedSchedule): string[] {
  const problems: string[] = [];
  const where = `schedules.${schedule.name}`;
  try {
    // nextRun converts into the time zone, which is where croner rejects an unknown zone.
    cronOf(schedule).nextRun(new Date(0));
  } catch (error) {
    problems.push(`${where}: cron "${schedule.cron}" in time zone "${schedule.timeZone}": ${(error as Error).message}`);
  }
  if (!MISSED_SLOT_POLICIES.includes(schedule.missedSlots)) {
    problems.push(
      `${where}.missedSlots: expected one of ${MISSED_SLOT_POLICIES.join(', ')}, got "${schedule.missedSlots}"`,
    );
  }
  if (!Number.isInteger(schedule.maxMissedSlots) || schedule.maxMissedSlots < 1) {
    problems.push(`${where}.maxMissedSlots: expected a whole number of at least 1, got ${schedule.maxMissedSlots}`);
  }
  return problems;
}

/**
 * The enabled schedules, declared ones with `overrides` applied (pure). Throws a
 * `SEDANO_ERR_SCHEDULE_INVALID` naming every bad field, and every override of an undeclared schedule.
 */
export function resolveSchedules(
  declared: readonly ScheduleDeclaration[],
  overrides: Readonly<Record<string, ScheduleOverride>> = {},
): ResolvedSchedule[] {
  const names = new Set(declared.map((schedule) => schedule.name));
  const problems = Object.keys(overrides)
    .filter((name) => !names.has(name))
    .map((name) => `schedules.${name}: no such schedule (declared: ${[...names].join(', ')})`);
  const resolved: ResolvedSchedule[] = [];
  for (const declaration of declared) {
    const override = overrides[declaration.name] ?? {};
    const schedule: ResolvedSchedule = {
      name: declaration.name,
      task: declaration.task,
      cron: override.cron ?? declaration.cron,
      timeZone: override.timeZone ?? declaration.timeZone ?? 'UTC',
      missedSlots: override.missedSlots ?? declaration.missedSlots ?? 'latest',
      maxMissedSlots: override.maxMissedSlots ?? DEFAULT_MAX_MISSED_SLOTS,
    };
    problems.push(...problemsOf(schedule));
    if (override.enabled !== false) resolved.push(schedule);
  }
  if (problems.length > 0) {
    throw new SedanoError('SEDANO_ERR_SCHEDULE_INVALID', `invalid schedules:\n${problems.join('\n')}`);
  }
  return resolved;
}
