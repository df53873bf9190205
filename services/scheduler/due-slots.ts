/**
 * Which slots a scheduler fires now (pure): every slot that came due since the schedule's
 * cursor (the newest slot fired, or skipped on purpose), split into slots on time and slots
 * missed.
 *
 * A slot is on time while it is at most `lateToleranceMs` old: a running scheduler wakes at
 * each slot, so its slots are always on time. A slot older than that passed while no scheduler
 * could fire it (all stopped, Redis or Kafka unreachable), and the schedule's policy decides:
 * `skip` fires none, `latest` the most recent one once, `all` each of them oldest first, at most
 * `maxMissedSlots` (the most recent ones).
 */
import type { MissedSlotPolicy } from '../../topology/schedules.ts';
import type { SlotCalendar } from './slot-calendar.ts';

export interface DueSlotsInput {
  calendar: SlotCalendar;
  policy: MissedSlotPolicy;
  /** Bound of the `all` policy, in slots. */
  maxMissedSlots: number;
  /** Slots at or before this instant are done (fired or skipped), in ms since the epoch. */
  cursorMs: number;
  nowMs: number;
  /** Age up to which a slot is on time rather than missed, in ms. */
  lateToleranceMs: number;
}

export interface DueSlots {
  /** Slots to fire now, oldest first. */
  fire: number[];
  /** True when the policy left some missed slot unfired (skip, latest, or all past its bound). */
  leftMissed: boolean;
}

/** Most on-time slots considered at once: 1000 s of a per-second schedule. */
const MAX_ON_TIME_SLOTS = 1000;

export function dueSlots(input: DueSlotsInput): DueSlots {
  const { calendar, policy, maxMissedSlots, cursorMs, nowMs, lateToleranceMs } = input;
  const missedUntil = nowMs - lateToleranceMs;
  const onTime = calendar.between(Math.max(cursorMs, missedUntil), nowMs, MAX_ON_TIME_SLOTS);
  if (cursorMs >= missedUntil) return { fire: onTime, leftMissed: false };
  // Only the newest missed slots are ever fired, so only those are enumerated: a per-second
  // schedule stopped for a week does not make a scheduler walk 600 000 slots.
  const bound = policy === 'all' ? maxMissedSlots : 1;
  const recent = calendar.latest(missedUntil, bound + 1).filter((slot) => slot > cursorMs);
  const fired = policy === 'skip' ? [] : recent.slice(0, bound).reverse();
  return { fire: [...fired, ...onTime], leftMissed: recent.length > fired.length };
}
