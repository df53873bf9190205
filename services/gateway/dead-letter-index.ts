/**
 * The gateway's index of dead letters, in Redis, filled from the dead-letter topic by a
 * consumer group of the gateway's own (every gateway instance shares it, so each record is
 * indexed once; the index is idempotent, so a record read twice after a rebalance is harmless).
 *
 * Kafka cannot list a topic's records by id or newest first, and the API must; a small Redis
 * index answers both, while the topic stays the source of truth (a month of retention):
 * resetting the group's offsets rebuilds the index.
 *
 * Redis layout under the prefix (default `sedano:gateway:dead-letters:`):
 * - `entry:<id>`: the dead letter as JSON (original bytes in base64), id `<partition>-<offset>`
 *   of the record in the dead-letter topic;
 * - `index`: sorted set of ids scored by `failedAt`;
 * - `replay:<id>`: the job id of the dead letter's replay, once replayed.
 */
import type { Redis } from 'ioredis';
import { deadLetterRecordContract, type DeadLetterRecord } from '../../schemas/dead-letter-record.ts';
import type { Codec } from '../lib/codec.ts';
import { isSedanoError, SedanoError } from '../lib/errors.ts';
import type { KafkaClient, KafkaConsumer } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import type { RedisKeys } from '../../topology/redis-keys.ts';

/** A dead letter as the API shows it. */
export interface DeadLetterEntry {
  id: string;
  jobId: string | null;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  consumerGroup: string | null;
  reason: string;
  errorCode: string;
  failedAt: number;
  attempts: number;
  /** Size of the original value in bytes; null for a message without one. */
  originalBytes: number | null;
}

/** A dead letter with its original message, for a replay. */
export interface StoredDeadLetter extends DeadLetterEntry {
  originalKey: string | null;
  /** Base64 of the original value (Confluent framing included), or null. */
  originalValue: string | null;
}

export interface DeadLetterPage {
  deadLetters: (DeadLetterEntry & { replayedAs: string | null })[];
  nextCursor: string | null;
}

export interface DeadLetterIndex {
  add(id: string, record: DeadLetterRecord): Promise<void>;
  get(id: string): Promise<StoredDeadLetter | undefined>;
  /** Newest first. */
  list(options: { limit: number; cursor?: string }): Promise<DeadLetterPage>;
  count(): Promise<number>;
  /** The job id of the dead letter's replay, if it was replayed. */
  replayOf(id: string): Promise<string | null>;
  /** Claims the replay of a dead letter for `jobId`; resolves with the earlier replay's job id if there was one. */
  claimReplay(id: string, jobId: string): Promise<string | null>;
  /** Forgets a claim whose replay could not be submitted. */
  releaseReplay(id: string, jobId: string): Promise<void>;
}

export function createDeadLetterIndex({
  redis,
  keys,
}: {
  redis: Redis;
  /** The namespace's keys (`keys.deadLetters`). */
  keys: Pick<RedisKeys, 'deadLetters'>;
}): DeadLetterIndex {
  const { entry: entryKey, replay: replayKey, index: indexKey } = keys.deadLetters;

  function summary(stored: StoredDeadLetter): DeadLetterEntry {
    const { originalKey: _key, originalValue: _value, ...entry } = stored;
    return entry;
  }

  return {
    async add(id, record) {
      const stored: StoredDeadLetter = {
        id,
        jobId: record.jobId,
        sourceTopic: record.sourceTopic,
        sourcePartition: record.sourcePartition,
        sourceOffset: record.sourceOffset,
        consumerGroup: record.consumerGroup,
        reason: record.reason,
        errorCode: record.errorCode,
        failedAt: record.failedAt,
        attempts: record.attempts,
        originalBytes: record.originalValue?.length ?? null,
        originalKey: record.originalKey?.toString('utf8') ?? null,
        originalValue: record.originalValue?.toString('base64') ?? null,
      };
      await redis.multi().set(entryKey(id), JSON.stringify(stored)).zadd(indexKey, record.failedAt, id).exec();
    },
    async get(id) {
      const raw = await redis.get(entryKey(id));
      return raw === null ? undefined : (JSON.parse(raw) as StoredDeadLetter);
    },
    async list({ limit, cursor }) {
      // The cursor is the rank to start at, newest first: dead letters are only ever added
      // with their failure time, so a page boundary moves at most by the letters added since.
      const start = cursor === undefined ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!Number.isSafeInteger(start) || start < 0)
        throw new SedanoError('SEDANO_ERR_API_INVALID_CURSOR', `invalid cursor "${cursor}"`);
      const ids = await redis.zrevrange(indexKey, start, start + limit - 1);
      if (ids.length === 0) return { deadLetters: [], nextCursor: null };
      const [raws, replays] = await Promise.all([redis.mget(ids.map(entryKey)), redis.mget(ids.map(replayKey))]);
      const deadLetters = ids.flatMap((_, i) => {
        const raw = raws[i];
        return raw == null ? [] : [{ ...summary(JSON.parse(raw) as StoredDeadLetter), replayedAs: replays[i] ?? null }];
      });
      const more = ids.length === limit && (await redis.zcard(indexKey)) > start + limit;
      return {
        deadLetters,
        nextCursor: more ? Buffer.from(String(start + limit)).toString('base64url') : null,
      };
    },
    count: () => redis.zcard(indexKey),
    replayOf: (id) => redis.get(replayKey(id)),
    async claimReplay(id, jobId) {
      const claimed = await redis.set(replayKey(id), jobId, 'NX');
      return claimed === 'OK' ? null : redis.get(replayKey(id));
    },
    async releaseReplay(id, jobId) {
      if ((await redis.get(replayKey(id))) === jobId) await redis.del(replayKey(id));
    },
  };
}

export interface DeadLetterIndexerOptions {
  kafka: KafkaClient;
  codec: Codec;
  index: DeadLetterIndex;
  topic: string;
  groupId: string;
  logger: Logger;
}

/** Reads the dead-letter topic from its start (first run) into the index, until closed. */
export async function startDeadLetterIndexer({
  kafka,
  codec,
  index,
  topic,
  groupId,
  logger,
}: DeadLetterIndexerOptions): Promise<{ close(): Promise<void> }> {
  const consumer: KafkaConsumer = await kafka.consumer(groupId);
  await consumer.consume({
    topics: [topic],
    fromBeginning: true,
    handle: async (message) => {
      const id = `${message.partition}-${message.offset}`;
      let record: DeadLetterRecord;
      try {
        ({ record } = await codec.decode(deadLetterRecordContract, message.value));
      } catch (error) {
        // A registry outage is tried again (the message is handled again); it is no bad record.
        if (isSedanoError(error) && error.retriable) throw error;
        // A dead letter that does not decode has nowhere further to go: it is logged and skipped.
        logger.warn({ err: error, deadLetterId: id }, 'undecodable record in the dead-letter topic skipped');
        return;
      }
      await index.add(id, record);
    },
  });
  return { close: () => consumer.close() };
}
