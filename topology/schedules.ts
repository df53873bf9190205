/**
 * Maintenance schedules (DESIGN.md section 1), as cron expressions with a time zone.
 * The scheduler emits one maintenance event per slot to MAINTENANCE_TOPIC.
 *
 * `timeZone` and `missedSlots` may be omitted: the scheduler reads them as `UTC` and `latest`
 * (see services/scheduler/schedule.ts, which also applies a deployment's overrides).
 */

/**
 * What a scheduler does with the slots that passed while every scheduler was down:
 * `skip` fires none of them, `latest` fires the most recent one once, `all` fires each of
 * them, oldest first, up to the schedule's bound. Under `skip` and `latest`, a run no
 * maintenance worker started by the schedule's next slot expires then (not run: the newer
 * slot's run does the work; services/scheduler/maintenance-run.ts), unless the schedule's
 * `expiresAtNextSlot` is false; under `all`, none expires.
 */
export type MissedSlotPolicy = 'skip' | 'latest' | 'all';

export const MISSED_SLOT_POLICIES = ['skip', 'latest', 'all'] as const satisfies readonly MissedSlotPolicy[];

/** One declared schedule. */
export interface ScheduleDeclaration {
  /** The schedule's name: part of every slot's idempotency key, so never renamed lightly. */
  readonly name: string;
  /** The maintenance task it runs (a MaintenanceTask symbol). */
  readonly task: 'CACHE_CLEANUP' | 'OPTIMIZE_INDEX' | 'BACKUP' | 'WEEKLY_REPORT';
  /** Cron expression (5 fields, or 6 with seconds first), read in `timeZone`. */
  readonly cron: string;
  /** IANA time zone the expression is read in. @default 'UTC' */
  readonly timeZone?: string;
  /** @default 'latest' */
  readonly missedSlots?: MissedSlotPolicy;
  /**
   * Whether a run no maintenance worker started by the next slot expires then, under `skip` and
   * `latest` (never under `all`). False for a task whose run does the work of its own slot only
   * (a report of the week before it), which a later slot's run does not do. @default true
   */
  readonly expiresAtNextSlot?: boolean;
}

export const MAINTENANCE_SCHEDULES = [
  { name: 'cache-cleanup', task: 'CACHE_CLEANUP', cron: '0 */6 * * *', timeZone: 'UTC', missedSlots: 'latest' },
  {
    name: 'vector-index-optimisation',
    task: 'OPTIMIZE_INDEX',
    cron: '0 3 * * *',
    timeZone: 'UTC',
    missedSlots: 'latest',
  },
  { name: 'backup', task: 'BACKUP', cron: '0 2 * * *', timeZone: 'UTC', missedSlots: 'latest' },
  // Each run reports the week before its slot, so a run waiting for a worker past the next Monday
  // is still wanted (it does not expire); a slot missed by every scheduler is not fired late.
  {
    name: 'weekly-report',
    task: 'WEEKLY_REPORT',
    cron: '0 8 * * 1',
    timeZone: 'UTC',
    missedSlots: 'latest',
    expiresAtNextSlot: false,
  },
] as const satisfies readonly ScheduleDeclaration[];
