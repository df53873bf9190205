/** The scheduler's options and their resolution (pure): defaults applied, every problem reported at once. */
import type { Redis } from 'ioredis';
import { redisKeys, type ScheduleKeys } from '../../topology/redis-keys.ts';
import { MAINTENANCE_SCHEDULES, type ScheduleDeclaration } from '../../topology/schedules.ts';
import { topologyNames, type TopologyNames } from '../../topology/names.ts';
import type { Codec } from '../lib/codec.ts';
import { SedanoError } from '../lib/errors.ts';
import type { KafkaProducer } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import { resolveSchedules, type ResolvedSchedule, type ScheduleOverride } from './schedule.ts';

export interface SchedulerOptions {
  redis: Redis;
  producer: KafkaProducer;
  codec: Codec;
  logger: Logger;
  /** The scheduler's Redis keys. @default redisKeys(names.namespace).schedules */
  keys?: ScheduleKeys;
  /** The deployment's topic names. @default the default namespace's */
  names?: TopologyNames;
  /** Topic of the maintenance requests. @default names.maintenanceTopic */
  maintenanceTopic?: string;
  /** Topic of the status events (each run's PENDING). @default names.statusTopic */
  statusTopic?: string;
  /** The declared schedules. @default MAINTENANCE_SCHEDULES */
  schedules?: readonly ScheduleDeclaration[];
  /** Per-schedule overrides, by name. @default {} */
  overrides?: Readonly<Record<string, ScheduleOverride>>;
  /** This scheduler's id in claims and PENDING events. @default `scheduler-<random>` */
  schedulerId?: string;
  /** Age up to which a slot is on time rather than missed, in ms. @default 60_000 */
  lateToleranceMs?: number;
  /** How long a claim protects a slot its scheduler is emitting, in ms; a scheduler that dies frees it then. @default 30_000 */
  claimLeaseMs?: number;
  /** How long a fired slot's claim is kept, in ms. @default 86_400_000 (a day) */
  claimRetentionMs?: number;
  /** Longest sleep between two looks at the schedules (pause, resume, slots held by another), in ms. @default 1_000 */
  pollIntervalMs?: number;
  /** The clock, in ms since the epoch. @default Date.now */
  now?: () => number;
}

export interface ResolvedSchedulerOptions {
  keys: ScheduleKeys;
  maintenanceTopic: string;
  statusTopic: string;
  schedules: ResolvedSchedule[];
  schedulerId: string;
  lateToleranceMs: number;
  claimLeaseMs: number;
  claimRetentionMs: number;
  pollIntervalMs: number;
  now: () => number;
}

const DURATIONS = {
  lateToleranceMs: 60_000,
  claimLeaseMs: 30_000,
  claimRetentionMs: 86_400_000,
  pollIntervalMs: 1_000,
} as const;

/** The options with their defaults; throws SEDANO_ERR_SCHEDULE_INVALID naming every bad one. */
export function resolveSchedulerOptions(
  options: Omit<SchedulerOptions, 'redis' | 'producer' | 'codec' | 'logger'>,
): ResolvedSchedulerOptions {
  const problems: string[] = [];
  const durations = { ...DURATIONS };
  for (const name of Object.keys(DURATIONS) as (keyof typeof DURATIONS)[]) {
    const value = options[name] ?? DURATIONS[name];
    if (!Number.isInteger(value) || value <= 0)
      problems.push(`${name}: expected a positive whole number, got ${value}`);
    durations[name] = value as never;
  }
  if (problems.length > 0) {
    throw new SedanoError('SEDANO_ERR_SCHEDULE_INVALID', `invalid scheduler options:\n${problems.join('\n')}`);
  }
  const names = options.names ?? topologyNames();
  return {
    keys: options.keys ?? redisKeys(names.namespace).schedules,
    maintenanceTopic: options.maintenanceTopic ?? names.maintenanceTopic,
    statusTopic: options.statusTopic ?? names.statusTopic,
    schedules: resolveSchedules(options.schedules ?? MAINTENANCE_SCHEDULES, options.overrides),
    schedulerId: options.schedulerId ?? `scheduler-${crypto.randomUUID().slice(0, 8)}`,
    ...durations,
    now: options.now ?? Date.now,
  };
}
