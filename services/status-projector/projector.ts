/**
 * The status projector: reads job status events from the compacted status topic and applies
 * each to the Redis status view (services/lib/status-view.ts). Poison messages go to the
 * dead-letter topic and the projector moves on; the view can be rebuilt from the topic.
 *
 * It also reads batch declarations from the batches topic (with a consumer of its own) into the
 * view, and submits a batch's follow-up once every child has ended (follow-up.ts): checked when
 * a declaration arrives and whenever a child of a batch is met in a terminal state, so whichever
 * comes last fires it. A rebuild restores declarations but never submits a follow-up.
 */
import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { batchDeclarationContract } from '../../schemas/batch-declaration.ts';
import { type JobStatusEvent, jobStatusEventContract } from '../../schemas/job-status-event.ts';
import { contractBindings } from '../../topology/contracts.ts';
import type { TopologyNames } from '../../topology/names.ts';
import type { Codec, Contract } from '../lib/codec.ts';
import { consumeContractBatches, type DecodedMessage } from '../lib/contract-batch-consumer.ts';
import { consumeContract } from '../lib/contract-consumer.ts';
import { type CloseStep, runCloseSteps } from '../lib/close-step.ts';
import { createDeadLetterWriter, type DeadLetterWriter } from '../lib/dead-letter.ts';
import type { IncomingMessage, KafkaClient, KafkaConsumer, KafkaProducer } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import { type ApplyOutcome, type IgnoredReason, type StatusView, TERMINAL_STATES } from '../lib/status-view.ts';
import type { BatchOutcome } from '../lib/status-view-batch.ts';
import { contextFromHeaders } from '../lib/telemetry.ts';
import { createFollowUpSubmitter, type FollowUpSubmitter } from './follow-up.ts';
import { restateTerminals, terminalToRestate } from './restate.ts';

export interface StatusProjectorOptions {
  kafka: KafkaClient;
  codec: Codec;
  view: StatusView;
  logger: Logger;
  /** The namespace's topics, groups and subjects. */
  names: TopologyNames;
  /** Spans of each applied event, continuing the job's trace; none when absent. */
  tracer?: Tracer;
  /** The status topic (default the namespace's); a batch's follow-up PENDING is produced to it too. */
  topic?: string;
  /** The batches topic (default the namespace's); null reads no declarations and submits no follow-up. */
  batchTopic?: string | null;
  /** The consumer group (default the namespace's projector group); the batches topic's is derived from it. */
  groupId?: string;
  /** How long a follow-up claim holds, in milliseconds (see FollowUpSubmitterOptions). */
  followUpClaimLeaseMs?: number;
}

export type ProjectorState = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

/**
 * Events handled since start: applied to the view, ignored by reason, or dead-lettered (both
 * topics); batch declarations stored; follow-ups this projector submitted; terminal events
 * stated again (restate.ts).
 */
export type ProjectorStats = Record<
  'applied' | IgnoredReason | 'deadLettered' | 'declarations' | 'followUpsSubmitted' | 'restated',
  number
>;

export interface StatusProjector {
  readonly state: ProjectorState;
  stats(): ProjectorStats;
  /** Stops consuming and closes the Kafka connections; every step runs, and a second call waits for the first. */
  close(): Promise<void>;
}

/** How long closing one Kafka connection may take before the close goes on without it. */
const CLOSE_STEP_TIMEOUT_MS = 10_000;

/** Closes every resource in order, each bounded, even when one fails; the failures are thrown together. */
async function closeAll(steps: readonly CloseStep[]): Promise<void> {
  const failures = await runCloseSteps(steps, CLOSE_STEP_TIMEOUT_MS);
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

type ApplyCounts = Record<'applied' | IgnoredReason, number>;

interface Applier {
  stats: ApplyCounts;
  /** Applies the events in order with one write; one outcome per event. */
  applyBatch(records: readonly DecodedMessage<JobStatusEvent>[]): Promise<BatchOutcome[]>;
}

function createApplier({ view, logger, tracer }: Pick<StatusProjectorOptions, 'view' | 'logger' | 'tracer'>): Applier {
  const stats: ApplyCounts = { applied: 0, stale: 0, duplicate: 0, terminal: 0 };
  function count(event: JobStatusEvent, outcome: BatchOutcome): void {
    if (outcome.applied) stats.applied += 1;
    else {
      stats[outcome.reason] += 1;
      logger.debug({ jobId: event.jobId, sequence: event.sequence, reason: outcome.reason }, 'status event ignored');
    }
  }
  return {
    stats,
    async applyBatch(records) {
      // Each event's span continues its job's trace; they all cover the one write.
      const spans = (tracer ? records : []).map(({ record: event, message }) =>
        tracer!.startSpan(
          `${message.topic} process`,
          { kind: SpanKind.CONSUMER, attributes: { 'sedano.job_id': event.jobId, 'sedano.state': event.state } },
          contextFromHeaders(message.headers),
        ),
      );
      try {
        const outcomes = await view.applyBatch(records.map(({ record }) => record));
        records.forEach(({ record }, i) => count(record, outcomes[i]!));
        return outcomes;
      } catch (error) {
        for (const span of spans) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        throw error;
      } finally {
        for (const span of spans) span.end();
      }
    },
  };
}

/** Whether the batch of the job `outcome` left in the view may just have ended: its job is terminal. */
function endedBatchChild(outcome: ApplyOutcome): string | null {
  const { view } = outcome;
  // Duplicates count too: a crash after the apply and before the check redelivers the event.
  return view?.batchId != null && TERMINAL_STATES.has(view.state) ? view.batchId : null;
}

const sum = (counts: ReadonlyMap<string, number>) => [...counts.values()].reduce((total, n) => total + n, 0);

/** The Kafka resources of a live projector, closed together. */
interface LiveResources {
  consumers: KafkaConsumer[];
  deadLetterWriters: DeadLetterWriter[];
}

/**
 * How often the projector commits what it applied, in the background (interval-commits.ts):
 * kafkajs's commit after every partition's batch held the next partition's events behind a
 * broker round trip. A crash applies up to this much again: the precedence rules ignore the
 * events already applied (and restate.ts writes a finished job's terminal event once more).
 */
const COMMIT_INTERVAL_MS = 1_000;

/** Consumes one topic of one contract from the beginning with a group of its own; registers what it made in `into`. */
async function consumeTopic<T>(
  { kafka, codec, logger, names }: Pick<StatusProjectorOptions, 'kafka' | 'codec' | 'logger' | 'names'>,
  producer: KafkaProducer,
  into: LiveResources,
  what: {
    topic: string;
    groupId: string;
    contract: Contract<T>;
    handleBatch: (records: DecodedMessage<T>[]) => Promise<void>;
  },
): Promise<void> {
  const consumer = await kafka.consumer(what.groupId);
  into.consumers.push(consumer);
  const deadLetters = createDeadLetterWriter({ producer, codec, names, consumerGroup: what.groupId });
  into.deadLetterWriters.push(deadLetters);
  await consumeContractBatches({
    consumer,
    codec,
    contract: what.contract,
    topics: [what.topic],
    // A new group builds the view from the oldest record the compacted topic keeps.
    fromBeginning: true,
    commitIntervalMs: COMMIT_INTERVAL_MS,
    deadLetters,
    logger,
    handleBatch: what.handleBatch,
  });
}

/** Starts projecting the status topic (and the batches topic) into the view; resolves once the consumers run. */
export async function startStatusProjector(options: StatusProjectorOptions): Promise<StatusProjector> {
  const { kafka, view, logger, names, topic = names.statusTopic, groupId = names.statusProjectorGroup } = options;
  const { batchTopic = names.batchesTopic, followUpClaimLeaseMs } = options;
  const statusBinding = contractBindings(names).status;
  let state: ProjectorState = 'starting';
  const resources: LiveResources = { consumers: [], deadLetterWriters: [] };
  let producer: KafkaProducer | undefined;
  let closing: Promise<void> | undefined;
  let declarations = 0;
  let restated = 0;
  const applier = createApplier(options);
  let followUps: FollowUpSubmitter | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (state !== 'failed') state = 'draining';
      try {
        // The consumers first: a message in flight may still write a dead letter or a follow-up.
        const consumers = resources.consumers.map(
          (consumer, index) => [`consumer ${index}`, () => consumer.close()] as const,
        );
        await closeAll([...consumers, ['producer', async () => producer?.close()]]);
      } finally {
        if (state === 'draining') state = 'stopped';
      }
    })());
  try {
    const liveProducer = await kafka.producer();
    producer = liveProducer;
    const claimLease = followUpClaimLeaseMs === undefined ? {} : { claimLeaseMs: followUpClaimLeaseMs };
    const submitter = createFollowUpSubmitter({ view, producer, statusTopic: topic, logger, ...claimLease });
    followUps = submitter;
    await consumeTopic(options, producer, resources, {
      topic,
      groupId,
      contract: jobStatusEventContract,
      handleBatch: async (records) => {
        const outcomes = await applier.applyBatch(records);
        const terminals = records
          .map(({ record }, i) => terminalToRestate(outcomes[i]!, record))
          .filter((view) => view !== undefined);
        if (terminals.length > 0) {
          // The view remembers views without their results (status-view.ts): the stored ones have
          // them. One that expired meanwhile is stated again as remembered, which beats a stale last record.
          const stored = await view.getMany(terminals.map((terminal) => terminal.jobId));
          const whole = terminals.map((terminal, i) => stored[i] ?? terminal);
          await restateTerminals(whole, { producer: liveProducer, codec: options.codec, topic, statusBinding });
          restated += terminals.length;
        }
        if (batchTopic === null) return;
        // Once per batch of jobs, after the whole fetch is applied: the check reads the counts.
        const ended = new Set(outcomes.map(endedBatchChild).filter((batchId) => batchId !== null));
        for (const batchId of ended) await submitter.check(batchId);
      },
    });
    if (batchTopic !== null) {
      await consumeTopic(options, producer, resources, {
        topic: batchTopic,
        groupId: names.batchDeclarationsGroup(groupId),
        contract: batchDeclarationContract,
        handleBatch: async (records) => {
          for (const { record: declaration } of records) {
            // Stored before the check, as the status side applies before it checks: whichever
            // of the declaration and the last child comes second sees the other.
            await view.storeBatchDeclaration(declaration);
            declarations += 1;
            if (declaration.followUp !== null) await submitter.check(declaration.batchId);
          }
        },
      });
    }
    state = 'running';
    logger.info({ topic, batchTopic, groupId }, 'status projector running');
  } catch (error) {
    state = 'failed';
    await close().catch((closeError: unknown) => logger.error({ err: closeError }, 'closing after a failed start'));
    throw error;
  }
  return {
    get state() {
      return state;
    },
    stats: () => ({
      ...applier.stats,
      deadLettered: resources.deadLetterWriters.reduce((total, writer) => total + sum(writer.counts), 0),
      declarations,
      followUpsSubmitted: followUps?.submitted() ?? 0,
      restated,
    }),
    close,
  };
}

export type RebuildOptions = Omit<StatusProjectorOptions, 'groupId' | 'followUpClaimLeaseMs'>;

export interface RebuildResult {
  /** Status events read and applied (or ignored by precedence) up to the end offsets. */
  events: number;
  /** Distinct jobs written to the view. */
  jobs: number;
  /** Batch declarations restored, up to the batches topic's end offsets. */
  declarations: number;
  /** Poison messages met on both topics (dead-lettered again, under the same key as the first time). */
  poison: number;
  durationMs: number;
}

/**
 * Drops the view and rebuilds it from the status topic: every event from the beginning up to
 * the end offsets the topic had when the rebuild started, with a new consumer group of its own;
 * then the batch declarations the same way. Events produced meanwhile are a live projector's to
 * apply; precedence makes the order harmless. Batch counts are only exact when no projector
 * applies to the same namespace during the rebuild. A rebuild never submits a follow-up: what
 * it replays happened before, when a live projector checked it.
 */
export async function rebuildStatusView(options: RebuildOptions): Promise<RebuildResult> {
  const { view, logger, names, topic = names.statusTopic, batchTopic = names.batchesTopic } = options;
  const started = performance.now();
  // Cleared before the end offsets are read: whatever a live projector applied before the
  // clear was produced before them, so the rebuild writes it again.
  await view.clear();
  const applier = createApplier(options);
  const result = { events: 0, jobs: 0, declarations: 0, poison: 0 };
  result.poison += await replayTopic(options, topic, jobStatusEventContract, async (event, message) => {
    const [outcome] = await applier.applyBatch([{ record: event, message }]);
    const created = outcome!.created;
    result.events += 1;
    if (created) result.jobs += 1;
  });
  // After the status events, so each declaration finds its batch's expiry in the view.
  if (batchTopic !== null) {
    result.poison += await replayTopic(options, batchTopic, batchDeclarationContract, async (declaration) => {
      await view.storeBatchDeclaration(declaration);
      result.declarations += 1;
    });
  }
  logger.info({ topic, batchTopic, ...result }, 'status view rebuilt');
  return { ...result, durationMs: performance.now() - started };
}

/** Applies every record of `topic` up to its current end offsets with a one-off group; resolves with the poison count. */
async function replayTopic<T>(
  options: RebuildOptions,
  topic: string,
  contract: Contract<T>,
  apply: (record: T, message: IncomingMessage) => Promise<void>,
): Promise<number> {
  const { kafka } = options;
  const ends = await endOffsets(kafka, topic);
  if (![...ends.values()].some((end) => end.low < end.high)) return 0;
  const groupId = options.names.rebuildGroup(randomUUID());
  const consumer = await kafka.consumer(groupId);
  const producer = await kafka.producer().catch(async (error: unknown) => {
    await consumer.close();
    throw error;
  });
  try {
    return await replay({ ...options, topic, groupId, consumer, producer, ends, contract, apply });
  } finally {
    await closeAll([
      ['consumer', () => consumer.close()],
      ['producer', () => producer.close()],
    ]);
  }
}

interface ReplayOptions<T> extends RebuildOptions {
  topic: string;
  groupId: string;
  consumer: KafkaConsumer;
  producer: KafkaProducer;
  ends: Map<number, { low: bigint; high: bigint }>;
  contract: Contract<T>;
  apply: (record: T, message: IncomingMessage) => Promise<void>;
}

/** Applies every record before `ends`, then resolves with the poison count; rejects when one cannot be applied. */
function replay<T>(options: ReplayOptions<T>): Promise<number> {
  const { codec, logger, topic, groupId, consumer, producer, ends, contract, apply } = options;
  let poison = 0;
  const pending = new Set([...ends].filter(([, end]) => end.low < end.high).map(([partition]) => partition));
  const inRange = ({ partition, offset }: IncomingMessage) => BigInt(offset) < (ends.get(partition)?.high ?? 0n);
  return new Promise((resolve, reject) => {
    // Compaction always keeps the record just before the end (its key's latest), so every
    // partition reaches it; only a deleted tombstone there would not (sedano writes none).
    const reached = ({ partition, offset }: IncomingMessage) => {
      if (BigInt(offset) + 1n >= (ends.get(partition)?.high ?? 0n)) pending.delete(partition);
      if (pending.size === 0) resolve(poison);
    };
    const deadLetters = observed(
      createDeadLetterWriter({ producer, codec, names: options.names, consumerGroup: groupId }),
      (message) => {
        if (!inRange(message)) return;
        poison += 1;
        reached(message);
      },
    );
    consumeContract({
      consumer,
      // Nothing is committed, so the one-off group leaves nothing behind in Kafka.
      manualCommit: true,
      codec,
      contract,
      topics: [topic],
      fromBeginning: true,
      deadLetters,
      logger,
      handle: async (record, message) => {
        if (!inRange(message)) return;
        try {
          await apply(record, message);
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
