/**
 * The scheduler's port to other services (the gateway's schedule routes; see
 * test/unit/architecture.test.ts): what they and the scheduler itself do with the schedules
 * besides firing them: list them with their next slots and last run, run one now, pause and
 * resume. Needs Redis and a producer, not a running scheduler loop.
 */
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { MaintenanceRequest } from '../../schemas/maintenance-request.ts';
import { maintenanceRequestContract } from '../../schemas/maintenance-request.ts';
import { jobStatusEventContract } from '../../schemas/job-status-event.ts';
import { COMPATIBILITY_POLICIES } from '../../topology/contracts.ts';
import { type TopologyNames, topologyNames } from '../../topology/names.ts';
import type { RedisKeys } from '../../topology/redis-keys.ts';
import { MAINTENANCE_SCHEDULES } from '../../topology/schedules.ts';
import type { Redis } from 'ioredis';
import type { Codec, SubjectBinding } from '../lib/codec.ts';
import { SedanoError } from '../lib/errors.ts';
import type { KafkaProducer } from '../lib/kafka.ts';
import { type MaintenanceRun, maintenanceRun } from './maintenance-run.ts';
import { type ResolvedSchedule, resolveSchedules, type ScheduleOverride } from './schedule.ts';
import { createScheduleStore, type ScheduleStore } from './schedule-store.ts';
import { slotCalendar } from './slot-calendar.ts';
import { immediateRunKey } from './slot-identity.ts';

/**
 * How long an immediate run's `runId` is remembered: as long as a maintenance worker remembers
 * that a key ran (its run ledger's default retention, services/maintenance/maintenance-worker.ts).
 */
export const IMMEDIATE_RUN_RETENTION_MS = 30 * 86_400_000;

/** Writes a run's request, then its PENDING event (a PENDING without its request would never run). */
export type RunEmitter = (run: MaintenanceRun) => Promise<void>;

export interface RunEmitterOptions {
  producer: KafkaProducer;
  codec: Codec;
  maintenanceTopic: string;
  statusTopic: string;
}

export function createRunEmitter({ producer, codec, maintenanceTopic, statusTopic }: RunEmitterOptions): RunEmitter {
  // The subject naming rule (TopicNameStrategy) is the same in every namespace.
  const { valueSubject } = topologyNames();
  const requestBinding: SubjectBinding<MaintenanceRequest> = {
    subject: valueSubject(maintenanceTopic),
    contract: maintenanceRequestContract,
    compatibility: COMPATIBILITY_POLICIES.maintenance.level,
  };
  const pendingBinding: SubjectBinding<JobStatusEvent> = {
    subject: valueSubject(statusTopic),
    contract: jobStatusEventContract,
    compatibility: COMPATIBILITY_POLICIES.status.level,
  };
  return async ({ request, pending }) => {
    const requestMessage = await codec.toMessage(requestBinding, request.jobId, request);
    const pendingMessage = await codec.toMessage(pendingBinding, pending.jobId, pending);
    await producer.send(maintenanceTopic, [requestMessage]);
    await producer.send(statusTopic, [pendingMessage]);
  };
}

/** One schedule as `GET /v1/schedules` and `ctl schedules list` show it. */
export interface ScheduleStatus {
  name: string;
  task: ResolvedSchedule['task'];
  cron: string;
  timeZone: string;
  missedSlots: ResolvedSchedule['missedSlots'];
  paused: boolean;
  /** The next slots, in ms since the epoch (none while paused). */
  nextSlotsMs: number[];
  lastRun: { jobId: string; slotMs: number; runAtMs: number } | null;
}

export interface ScheduleControl {
  list(count?: number): Promise<ScheduleStatus[]>;
  /**
   * Emits an immediate run; the same `runId` is the same run: a repeat within
   * IMMEDIATE_RUN_RETENTION_MS is answered with it (`created: false`), not emitted again.
   */
  runNow(name: string, runId?: string): Promise<{ jobId: string; idempotencyKey: string; created: boolean }>;
  pause(name: string): Promise<void>;
  /** Resumes; the slots that passed while paused are skipped, never caught up. */
  resume(name: string): Promise<void>;
}

export interface ScheduleControlOptions {
  schedules: readonly ResolvedSchedule[];
  store: ScheduleStore;
  emit: RunEmitter;
  now: () => number;
  /** Written in the PENDING event of an immediate run. */
  workerId: string | null;
}

export function createScheduleControl({
  schedules,
  store,
  emit,
  now,
  workerId,
}: ScheduleControlOptions): ScheduleControl {
  function scheduleNamed(name: string): ResolvedSchedule {
    const schedule = schedules.find((candidate) => candidate.name === name);
    if (schedule === undefined) {
      throw new SedanoError(
        'SEDANO_ERR_SCHEDULE_NOT_FOUND',
        `no schedule "${name}" (have: ${schedules.map((s) => s.name).join(', ')})`,
      );
    }
    return schedule;
  }

  return {
    async list(count = 3) {
      const at = now();
      return Promise.all(
        schedules.map(async (schedule): Promise<ScheduleStatus> => {
          const state = await store.state(schedule.name);
          const calendar = slotCalendar(schedule);
          const nextSlotsMs = state.paused ? [] : calendar.between(at, Number.MAX_SAFE_INTEGER, count);
          const { lastJobId, lastSlotMs, lastRunAtMs } = state;
          return {
            name: schedule.name,
            task: schedule.task,
            cron: schedule.cron,
            timeZone: schedule.timeZone,
            missedSlots: schedule.missedSlots,
            paused: state.paused,
            nextSlotsMs,
            lastRun:
              lastJobId !== null && lastSlotMs !== null && lastRunAtMs !== null
                ? { jobId: lastJobId, slotMs: lastSlotMs, runAtMs: lastRunAtMs }
                : null,
          };
        }),
      );
    },
    async runNow(name, runId) {
      const schedule = scheduleNamed(name);
      const at = now();
      const run = maintenanceRun(schedule, at, immediateRunKey(name, runId ?? crypto.randomUUID()), at, workerId);
      const { jobId, idempotencyKey } = run.request;
      // Emitted again, a run that failed would run again under its job id, whose view stays FAILURE.
      if (runId !== undefined && !(await store.claimImmediateRun(name, runId, jobId, IMMEDIATE_RUN_RETENTION_MS))) {
        return { jobId, idempotencyKey, created: false };
      }
      try {
        await emit(run);
      } catch (error) {
        if (runId !== undefined) await store.releaseImmediateRun(name, runId).catch(() => undefined);
        throw error;
      }
      await store.recordRun(name, jobId, at);
      return { jobId, idempotencyKey, created: true };
    },
    async pause(name) {
      scheduleNamed(name);
      await store.setPaused(name, true);
    },
    async resume(name) {
      scheduleNamed(name);
      // The cursor moves first: a scheduler that sees the schedule resumed must not take the
      // slots of the pause for missed ones.
      await store.advanceCursor(name, now());
      await store.setPaused(name, false);
    },
  };
}

/** What a service needs to control the schedules (the gateway's /v1/schedules routes). */
export interface OpenScheduleControlOptions {
  redis: Redis;
  producer: KafkaProducer;
  codec: Codec;
  names: TopologyNames;
  keys: Pick<RedisKeys, 'schedules'>;
  /** `SEDANO_SCHEDULES`, as the scheduler reads it. */
  overrides: Readonly<Record<string, ScheduleOverride>>;
}

/** The schedules of `topology/schedules.ts` with their overrides, over the scheduler's store: the port other services use. */
export function openScheduleControl(options: OpenScheduleControlOptions): ScheduleControl {
  const { names } = options;
  return createScheduleControl({
    schedules: resolveSchedules(MAINTENANCE_SCHEDULES, options.overrides),
    store: createScheduleStore(options.redis, options.keys.schedules),
    emit: createRunEmitter({
      producer: options.producer,
      codec: options.codec,
      maintenanceTopic: names.maintenanceTopic,
      statusTopic: names.statusTopic,
    }),
    now: Date.now,
    workerId: 'gateway',
  });
}

export { schedulesSetting } from './settings.ts';
