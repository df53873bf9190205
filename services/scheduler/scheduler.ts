/**
 * The scheduler: fires every slot of every schedule exactly once however many schedulers run.
 *
 * Each scheduler wakes at the next slot (or after the poll interval), computes the slots due
 * since the schedule's shared cursor (applying the missed-slot policy to those that passed
 * while none ran), and tries to claim each in Redis. The one whose claim succeeds emits the run
 * (request, then PENDING) and marks the slot fired; the others see the claim and move on. A
 * slot whose claim another scheduler holds stays pending here until it is fired: if that
 * scheduler dies, its lease expires and this one fires it. A slot emitted twice that way (its
 * emitter died after producing and before marking it) has the same job id and idempotency key,
 * and the maintenance stage runs a key once. A slot whose run would expire before it is
 * emitted (its next slot has come, under skip and latest: maintenance-run.ts) is not fired.
 */
import { dueSlots } from './due-slots.ts';
import { maintenanceRun, slotRunExpiry } from './maintenance-run.ts';
import type { ResolvedSchedule } from './schedule.ts';
import { createRunEmitter, createScheduleControl, type RunEmitter, type ScheduleControl } from './schedule-control.ts';
import { createScheduleStore, type ScheduleStore } from './schedule-store.ts';
import { resolveSchedulerOptions, type ResolvedSchedulerOptions, type SchedulerOptions } from './scheduler-options.ts';
import { slotCalendar, type SlotCalendar } from './slot-calendar.ts';
import { slotIdempotencyKey } from './slot-identity.ts';
import type { Logger } from '../lib/logger.ts';

export type SchedulerState = 'running' | 'stopped';

export interface Scheduler extends ScheduleControl {
  readonly state: SchedulerState;
  readonly schedulerId: string;
  readonly schedules: readonly ResolvedSchedule[];
  /** Stops the loop after the slot being fired, if any; idempotent. Closes no client it was given. */
  close(): Promise<void>;
}

interface Tracked {
  schedule: ResolvedSchedule;
  calendar: SlotCalendar;
  /** Slots up to here are decided by this scheduler; undefined before its first look. */
  cursorMs: number | undefined;
  /** Slots claimed by another scheduler and not yet seen fired. */
  pending: Set<number>;
}

type SlotOutcome = 'fired' | 'done' | 'held' | 'failed';

/** Starts the loop; the first look at the schedules happens before this resolves. */
export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const resolved = resolveSchedulerOptions(options);
  const { logger } = options;
  const store = createScheduleStore(options.redis, resolved.keys);
  const emit = createRunEmitter({ ...resolved, producer: options.producer, codec: options.codec });
  const control = createScheduleControl({ ...resolved, store, emit, workerId: resolved.schedulerId });
  const loop = new SchedulerLoop(resolved, store, emit, logger);
  await loop.tick();
  return {
    ...control,
    get state() {
      return loop.state;
    },
    schedulerId: resolved.schedulerId,
    schedules: resolved.schedules,
    close: () => loop.close(),
  };
}

class SchedulerLoop {
  state: SchedulerState = 'running';
  private readonly tracked: Tracked[];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly options: ResolvedSchedulerOptions;
  private readonly store: ScheduleStore;
  private readonly emit: RunEmitter;
  private readonly logger: Logger;

  constructor(options: ResolvedSchedulerOptions, store: ScheduleStore, emit: RunEmitter, logger: Logger) {
    this.options = options;
    this.store = store;
    this.emit = emit;
    this.logger = logger.child({ component: 'scheduler', schedulerId: options.schedulerId });
    this.tracked = options.schedules.map((schedule) => ({
      schedule,
      calendar: slotCalendar(schedule),
      cursorMs: undefined,
      pending: new Set(),
    }));
  }

  /** One look at every schedule, then the next one is planned. */
  tick(): Promise<void> {
    this.running = (async () => {
      for (const tracked of this.tracked) {
        if (this.state !== 'running') return;
        try {
          await this.visit(tracked);
        } catch (error) {
          // Redis or Kafka unreachable: the slots stay due (the cursor did not move) and are
          // looked at again at the next poll.
          this.logger.error({ err: error, schedule: tracked.schedule.name }, 'schedule visit failed');
        }
      }
      this.plan();
    })();
    return this.running;
  }

  private async visit(tracked: Tracked): Promise<void> {
    const { schedule, calendar } = tracked;
    const now = this.options.now();
    const shared = await this.store.state(schedule.name);
    if (shared.cursorMs === null) {
      // The schedule's first scheduler ever: nothing before now counts as missed.
      await this.store.advanceCursor(schedule.name, now);
    }
    const cursorMs = Math.max(tracked.cursorMs ?? -Infinity, shared.cursorMs ?? now);
    if (shared.paused) {
      tracked.cursorMs = now;
      tracked.pending.clear();
      return;
    }
    const due = dueSlots({
      ...schedule,
      policy: schedule.missedSlots,
      calendar,
      cursorMs,
      nowMs: now,
      lateToleranceMs: this.options.lateToleranceMs,
    });
    if (due.leftMissed) {
      this.logger.warn({ schedule: schedule.name, policy: schedule.missedSlots }, 'missed slots not fired, by policy');
    }
    // Due slots join the pending ones before the cursor moves past them, so a failure while
    // firing leaves them to the next look rather than dropping them.
    for (const slot of due.fire) tracked.pending.add(slot);
    tracked.cursorMs = now;
    for (const slot of [...tracked.pending].sort((a, b) => a - b)) {
      if (this.state !== 'running') return;
      // A slot whose next slot has come (a missed one fired beside an on-time one, one retried
      // after a claim's lease) would emit a run already expired: its newer slot does its work.
      const expiresAt = slotRunExpiry(schedule, calendar, slot);
      if (expiresAt !== null && expiresAt <= now) {
        tracked.pending.delete(slot);
        this.logger.info({ schedule: schedule.name, slot: new Date(slot).toISOString() }, 'slot superseded: not fired');
        continue;
      }
      const outcome = await this.fire(tracked, slot);
      if (outcome === 'fired' || outcome === 'done') tracked.pending.delete(slot);
    }
  }

  private async fire({ schedule, calendar }: Tracked, slotMs: number): Promise<SlotOutcome> {
    const { schedulerId, claimLeaseMs, claimRetentionMs, now } = this.options;
    const claim = await this.store.claim(schedule.name, slotMs, schedulerId, claimLeaseMs);
    if (claim === 'fired') return 'done';
    if (claim === 'held') return 'held';
    const key = slotIdempotencyKey(schedule.name, slotMs);
    const run = maintenanceRun(schedule, slotMs, key, now(), schedulerId, slotRunExpiry(schedule, calendar, slotMs));
    const fields = { schedule: schedule.name, slot: new Date(slotMs).toISOString(), jobId: run.request.jobId };
    try {
      await this.emit(run);
    } catch (error) {
      this.logger.error({ ...fields, err: error }, 'emitting a slot failed; it stays due');
      await this.store.release(schedule.name, slotMs, schedulerId).catch(() => undefined);
      return 'failed';
    }
    await this.store.recordFired(schedule.name, slotMs, run.request.jobId, now(), claimRetentionMs);
    this.logger.info(fields, 'slot fired');
    return 'fired';
  }

  private plan(): void {
    if (this.state !== 'running') return;
    const now = this.options.now();
    let delay = this.options.pollIntervalMs;
    for (const { calendar, pending } of this.tracked) {
      if (pending.size > 0) continue;
      const next = calendar.next(now);
      // A few ms past the slot, so the clock has reached it when the tick reads it.
      if (next !== null) delay = Math.min(delay, next - now + 5);
    }
    this.timer = setTimeout(() => void this.tick(), Math.max(0, delay));
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.state === 'stopped') return this.running;
    this.state = 'stopped';
    clearTimeout(this.timer);
    await this.running;
  }
}
