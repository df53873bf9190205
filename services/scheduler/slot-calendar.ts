/**
 * The slots of a schedule: the instants (milliseconds since the epoch) at which its cron
 * expression fires in its time zone.
 *
 * Daylight saving follows croner's documented rule. A fixed-time expression (seconds, minutes
 * and hours each a single value, e.g. `30 2 * * *`) whose local time falls in a spring-forward
 * gap fires once, at the first valid time after the gap; one whose local time occurs twice in a
 * fall-back overlap fires once, at the first occurrence. Any other expression (an interval,
 * e.g. `*\/30 * * * *`) skips the local times that do not exist and fires at both instants of a
 * repeated local time: those are two distinct slots, each fired once.
 */
import type { Cron } from 'croner';
import { cronOf, type ResolvedSchedule } from './schedule.ts';

export interface SlotCalendar {
  /** The first slot strictly after `afterMs`, or null if the expression never fires again. */
  next(afterMs: number): number | null;
  /** Slots in (`afterMs`, `untilMs`], oldest first, at most `limit` of them (the oldest ones). */
  between(afterMs: number, untilMs: number, limit: number): number[];
  /** The `count` most recent slots at or before `atMs`, newest first. */
  latest(atMs: number, count: number): number[];
}

/** The calendar of a schedule (pure: no timer is started). */
export function slotCalendar(schedule: Pick<ResolvedSchedule, 'cron' | 'timeZone'>): SlotCalendar {
  const cron: Cron = cronOf(schedule);
  const next = (afterMs: number): number | null => cron.nextRun(new Date(afterMs))?.getTime() ?? null;
  return {
    next,
    between(afterMs, untilMs, limit) {
      const slots: number[] = [];
      for (let slot = next(afterMs); slot !== null && slot <= untilMs && slots.length < limit; slot = next(slot)) {
        slots.push(slot);
      }
      return slots;
    },
    latest(atMs, count) {
      // croner's previousRuns excludes its reference instant.
      return cron.previousRuns(count, new Date(atMs + 1)).map((date) => date.getTime());
    },
  };
}
