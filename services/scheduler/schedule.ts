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
  /** Whether a slot's run expires at the next slot (under skip and latest; maintenance-run.ts). */
  expiresAtNextSlot: boolean;
}

/** @default 24: a day of an hourly schedule. */
export const DEFAULT_MAX_MISSED_SLOTS = 24;

/** The largest `maxMissedSlots`: a scheduler walks that many slots in one look, on its event loop. */
export const MAX_MISSED_SLOTS = 1000;

const OVERRIDE_FIELDS = ['cron', 'timeZone', 'missedSlots', 'maxMissedSlots', 'enabled'] as const;

/** What is wrong with the fields of a deployment's override (pure): unknown ones and wrong types. */
function overrideProblems(name: string, override: Readonly<Record<string, unknown>>): string[] {
  const where = `schedules.${name}`;
  const problems = Object.keys(override)
    .filter((field) => !(OVERRIDE_FIELDS as readonly string[]).includes(field))
    .map((field) => `${where}.${field}: no such field (a schedule takes ${OVERRIDE_FIELDS.join(', ')})`);
  for (const field of ['cron', 'timeZone'] as const) {
    const value = override[field];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      problems.push(`${where}.${field}: expected a non-empty string, got ${JSON.stringify(value)}`);
    }
  }
  if (override['enabled'] !== undefined && typeof override['enabled'] !== 'boolean') {
    problems.push(`${where}.enabled: expected true or false, got ${JSON.stringify(override['enabled'])}`);
  }
  return problems;
}

/** A schedule's cron expression read in its time zone; croner's own objects never start a timer here. */
export function cronOf(schedule: Pick<ResolvedSchedule, 'cron' | 'timeZone'>): Cron {
  return new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true, mode: '5-or-6-parts' });
}

function problemsOf(schedule: ResolvedSchedule): string[] {
  const problems: string[] = [];
  const where = `schedules.${schedule.name}`;
  try {
    // nextRun converts into the time zone, which is where croner rejects an unknown zone.
    if (cronOf(schedule).nextRun(new Date(0)) === null) {
      problems.push(`${where}: cron "${schedule.cron}" never fires (no such date)`);
    }
  } catch (error) {
    problems.push(`${where}: cron "${schedule.cron}" in time zone "${schedule.timeZone}": ${(error as Error).message}`);
  }
  if (!MISSED_SLOT_POLICIES.includes(schedule.missedSlots)) {
    problems.push(
      `${where}.missedSlots: expected one of ${MISSED_SLOT_POLICIES.join(', ')}, got "${schedule.missedSlots}"`,
    );
  }
  const bound = schedule.maxMissedSlots;
  if (!Number.isInteger(bound) || bound < 1 || bound > MAX_MISSED_SLOTS) {
    problems.push(`${where}.maxMissedSlots: expected a whole number from 1 to ${MAX_MISSED_SLOTS}, got ${bound}`);
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
    problems.push(...overrideProblems(declaration.name, override as Readonly<Record<string, unknown>>));
    const schedule: ResolvedSchedule = {
      name: declaration.name,
      task: declaration.task,
      cron: override.cron ?? declaration.cron,
      timeZone: override.timeZone ?? declaration.timeZone ?? 'UTC',
      missedSlots: override.missedSlots ?? declaration.missedSlots ?? 'latest',
      maxMissedSlots: override.maxMissedSlots ?? DEFAULT_MAX_MISSED_SLOTS,
      expiresAtNextSlot: declaration.expiresAtNextSlot ?? true,
    };
    problems.push(...problemsOf(schedule));
    if (override.enabled !== false) resolved.push(schedule);
  }
  if (problems.length > 0) {
    throw new SedanoError('SEDANO_ERR_SCHEDULE_INVALID', `invalid schedules:\n${problems.join('\n')}`);
  }
  return resolved;
}
