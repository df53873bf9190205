/**
 * What a stage runtime is given by its service's main.ts (or a test): its clients, the name of
 * its worker, and the stores and clocks a test may replace. How the stage runs (concurrency,
 * time limits, retries...) is its StageOptions (stage-options.ts).
 */
import type { Tracer } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { TopologyNames } from '../../../topology/names.ts';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import type { Codec } from '../codec.ts';
import type { KafkaClient } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import type { PurgeMarks } from '../purge-marks.ts';
import type { WorkerMetrics } from '../worker-metrics.ts';
import type { WorkerPresence } from '../worker-presence.ts';
import type { JobLedger } from './job-ledger.ts';
import type { Revocations } from './revocations.ts';
import type { StageTopics } from './stage-topics.ts';

export interface StageRuntimeOptions {
  kafka: KafkaClient;
  codec: Codec;
  redis: Redis;
  logger: Logger;
  /** Names this process in status events. */
  workerId: string;
  /** The namespace's topics, groups and subjects. */
  names: TopologyNames;
  /** The namespace's Redis keys. */
  keys: RedisKeys;
  /** The stage's topics and group (default: the namespace's; tests use their own). */
  topics?: StageTopics;
  ledger?: JobLedger;
  revocations?: Revocations;
  tracer?: Tracer;
  now?: () => number;
  random?: () => number;
  /** Where the worker says it is alive and what it runs (default: Redis, `keys.workers`). */
  presence?: WorkerPresence;
  /** Overrides the stage's `presenceIntervalMs` (see StageOptions). */
  presenceIntervalMs?: number;
  /** Where `ctl purge` marks what to skip (default: Redis, `keys.purgeMark`). */
  purgeMarks?: PurgeMarks;
  /** Where worker threads export the handler's spans (main.ts passes the process's own settings). */
  threadTelemetry?: { serviceName: string; otlpEndpoint: string };
  /** Overrides the stage's `sessionTimeoutMs` (see StageOptions). */
  sessionTimeoutMs?: number;
  /** Where the stage's attempts, dead letters, lag and threads are measured (default: nowhere). */
  metrics?: WorkerMetrics;
}
