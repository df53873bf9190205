/**
 * The status projector: reads job status events from the compacted status topic and applies
 * each to the Redis status view (services/lib/status-view.ts). Poison messages go to the
 * dead-letter topic and the projector moves on; the view can be rebuilt from the topic.
 */
import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { type JobStatusEvent, jobStatusEventContract } from '../../schemas/job-status-event.ts';
import { STATUS_PROJECTOR_GROUP } from '../../topology/groups.ts';
import { STATUS_TOPIC } from '../../topology/topics.ts';
import type { Codec } from '../lib/codec.ts';
import { consumeContract } from '../lib/contract-consumer.ts';
import { createDeadLetterWriter, type DeadLetterWriter } from '../lib/dead-letter.ts';
import type { IncomingMessage, KafkaClient, KafkaConsumer, KafkaProducer } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import type { IgnoredReason, StatusView } from '../lib/status-view.ts';
import { contextFromHeaders } from '../lib/telemetry.ts';

export interface StatusProjectorOptions {
  kafka: KafkaClient;
  codec: Codec;
  view: StatusView;
  logger: Logger;
  /** Spans of each applied event, continuing the job's trace; none when absent. */
  tracer?: Tracer;
  /** The status topic (default STATUS_TOPIC). */
  topic?: string;
  /** The consumer group (default STATUS_PROJECTOR_GROUP). */
  groupId?: string;
}

export type ProjectorState = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

/** Events handled since start: applied to the view, ignored by reason, or dead-lettered. */
export type ProjectorStats = Record<'applied' | IgnoredReason | 'deadLettered', number>;

export interface StatusProjector {
  readonly state: ProjectorState;
  stats(): ProjectorStats;
  /** Stops consuming and closes the Kafka connections; every step runs, and a second call waits for the first. */
  close(): Promise<void>;
}

/** Closes every resource in order, even when one fails; the failures are thrown together. */
async function closeAll(steps: readonly (() => Promise<unknown>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'closing the status projector failed');
}

/** A dead-letter writer that also tells `onWritten` which message it wrote. */
function observed(writer: DeadLetterWriter, onWritten: (message: IncomingMessage) => void): DeadLetterWriter {
  return {
    counts: writer.counts,
    async write(deadLetter) {
      await writer.write(deadLetter);
      onWritten(deadLetter.message);
    },
  };
}

interface Applier {
  stats: ProjectorStats;
  apply(event: JobStatusEvent, message: IncomingMessage): Promise<{ created: boolean }>;
}

function createApplier({ view, logger, tracer }: Pick<StatusProjectorOptions, 'view' | 'logger' | 'tracer'>): Applier {
  const stats: ProjectorStats = { applied: 0, stale: 0, duplicate: 0, terminal: 0, deadLettered: 0 };
  async function apply(event: JobStatusEvent): Promise<{ created: boolean }> {
    const outcome = await view.apply(event);
    if (outcome.applied) stats.applied += 1;
    else {
      stats[outcome.reason] += 1;
      logger.debug({ jobId: event.jobId, sequence: event.sequence, reason: outcome.reason }, 'status event ignored');
    }
    return outcome;
  }
  return {
    stats,
    apply(event, message) {
      if (!tracer) return apply(event);
      return tracer.startActiveSpan(
        `${message.topic} process`,
        { kind: SpanKind.CONSUMER, attributes: { 'sedano.job_id': event.jobId, 'sedano.state': event.state } },
        contextFromHeaders(message.headers),
        async (span) => {
          try {
            return await apply(event);
          } catch (error) {
            span.recordException(error as Error);
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
  };
}

/** Starts projecting the status topic into the view; resolves once the consumer runs. */
export async function startStatusProjector(options: StatusProjectorOptions): Promise<StatusProjector> {
  const { kafka, codec, logger, topic = STATUS_TOPIC, groupId = STATUS_PROJECTOR_GROUP } = options;
  let state: ProjectorState = 'starting';
  let consumer: KafkaConsumer | undefined;
  let producer: KafkaProducer | undefined;
  let deadLetters: DeadLetterWriter | undefined;
  let closing: Promise<void> | undefined;
  const applier = createApplier(options);
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (state !== 'failed') state = 'draining';
      try {
        // The consumer first: a message in flight may still write a dead letter.
        await closeAll([async () => consumer?.close(), async () => producer?.close()]);
      } finally {
        if (state === 'draining') state = 'stopped';
      }
    })());
  try {
    consumer = await kafka.consumer(groupId);
    producer = await kafka.producer();
    deadLetters = createDeadLetterWriter({ producer, codec, consumerGroup: groupId });
    await consumeContract({
      consumer,
      codec,
      contract: jobStatusEventContract,
      topics: [topic],
      // A new group builds the view from the oldest event the compacted topic keeps.
      fromBeginning: true,
      deadLetters,
      logger,
      handle: async (event, message) => void (await applier.apply(event, message)),
    });
    state = 'running';
    logger.info({ topic, groupId }, 'status projector running');
  } catch (error) {
    state = 'failed';
    await close().catch((closeError: unknown) => logger.error({ err: closeError }, 'closing after a failed start'));
    throw error;
  }
  const written = deadLetters.counts;
  return {
    get state() {
      return state;
    },
    stats: () => ({ ...applier.stats, deadLettered: [...written.values()].reduce((sum, n) => sum + n, 0) }),
    close,
  };
}

export type RebuildOptions = Omit<StatusProjectorOptions, 'groupId'>;

export interface RebuildResult {
  /** Status events read and applied (or ignored by precedence) up to the end offsets. */
  events: number;
  /** Distinct jobs written to the view. */
  jobs: number;
  /** Poison messages met (dead-lettered again, under the same key as the first time). */
  poison: number;
  durationMs: number;
}

/**
 * Drops the view and rebuilds it from the status topic: every event from the beginning up to
 * the end offsets the topic had when the rebuild started, with a new consumer group of its own.
 * Events produced meanwhile are a live projector's to apply; precedence makes the order harmless.
 * Batch counts are only exact when no projector applies to the same namespace during the rebuild.
 */
export async function rebuildStatusView(options: RebuildOptions): Promise<RebuildResult> {
  const { kafka, view, logger, topic = STATUS_TOPIC } = options;
  const started = Date.now();
  // Cleared before the end offsets are read: whatever a live projector applied before the
  // clear was produced before them, so the rebuild writes it again.
  await view.clear();
  const ends = await endOffsets(kafka, topic);
  const result = { events: 0, jobs: 0, poison: 0 };
  if ([...ends.values()].some((end) => end.low < end.high)) {
    const groupId = `${STATUS_PROJECTOR_GROUP}.rebuild.${randomUUID()}`;
    const consumer = await kafka.consumer(groupId);
    const producer = await kafka.producer().catch(async (error: unknown) => {
      await consumer.close();
      throw error;
    });
    try {
      Object.assign(result, await replay({ ...options, topic, groupId, consumer, producer, ends }));
    } finally {
      await closeAll([() => consumer.close(), () => producer.close()]);
    }
  }
  logger.info({ topic, ...result }, 'status view rebuilt');
  return { ...result, durationMs: Date.now() - started };
}

interface ReplayOptions extends RebuildOptions {
  topic: string;
  groupId: string;
  consumer: KafkaConsumer;
  producer: KafkaProducer;
  ends: Map<number, { low: bigint; high: bigint }>;
}

/** Applies every event before `ends`, then resolves; rejects when an event cannot be applied. */
function replay(options: ReplayOptions): Promise<Omit<RebuildResult, 'durationMs'>> {
  const { codec, logger, topic, groupId, consumer, producer, ends } = options;
  const applier = createApplier(options);
  const result = { events: 0, jobs: 0, poison: 0 };
  const pending = new Set([...ends].filter(([, end]) => end.low < end.high).map(([partition]) => partition));
  const inRange = ({ partition, offset }: IncomingMessage) => BigInt(offset) < (ends.get(partition)?.high ?? 0n);
  return new Promise((resolve, reject) => {
    // Compaction always keeps the record just before the end (its key's latest), so every
    // partition reaches it; only a deleted tombstone there would not (sedano writes none).
    const reached = ({ partition, offset }: IncomingMessage) => {
      if (BigInt(offset) + 1n >= (ends.get(partition)?.high ?? 0n)) pending.delete(partition);
      if (pending.size === 0) resolve(result);
    };
    const deadLetters = observed(createDeadLetterWriter({ producer, codec, consumerGroup: groupId }), (message) => {
      if (!inRange(message)) return;
      result.poison += 1;
      reached(message);
    });
    consumeContract({
      consumer,
      // Nothing is committed, so the one-off group leaves nothing behind in Kafka.
      manualCommit: true,
      codec,
      contract: jobStatusEventContract,
      topics: [topic],
      fromBeginning: true,
      deadLetters,
      logger,
      handle: async (event, message) => {
        if (!inRange(message)) return;
        try {
          const { created } = await applier.apply(event, message);
          result.events += 1;
          if (created) result.jobs += 1;
          reached(message);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          throw error;
        }
      },
    }).catch(reject);
  });
}

async function endOffsets(kafka: KafkaClient, topic: string): Promise<Map<number, { low: bigint; high: bigint }>> {
  const admin = await kafka.admin();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map(({ partition, low, high }) => [partition, { low: BigInt(low), high: BigInt(high) }]));
  } finally {
    await admin.close();
  }
}
