/**
 * Writes messages that can never be processed to the dead-letter topic, with the original
 * key, value and headers as bytes, where they came from and why, and counts them by code.
 */
import type { DeadLetterRecord } from '../../schemas/dead-letter-record.ts';
import { contractBindings } from '../../topology/contracts.ts';
import type { TopologyNames } from '../../topology/names.ts';
import type { Codec } from './codec.ts';
import type { IncomingMessage, KafkaProducer } from './kafka.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeadLetter {
  message: IncomingMessage;
  /** A code of ERROR_CODES. */
  errorCode: string;
  reason: string;
  /** Attempts made; 0 when the message could not even be decoded. */
  attempts: number;
  /** The job, when known; otherwise the key is used if it is a job id. */
  jobId?: string | null;
}

export interface DeadLetterWriter {
  write(deadLetter: DeadLetter): Promise<void>;
  /** Dead letters written by this process, by error code. */
  readonly counts: ReadonlyMap<string, number>;
}

export interface DeadLetterWriterOptions {
  producer: KafkaProducer;
  codec: Codec;
  /** The namespace whose dead-letter topic the records go to. */
  names: TopologyNames;
  /** The consumer group that gives up on the messages, recorded with each. */
  consumerGroup: string | null;
  now?: () => number;
}

/** The dead-letter record for a message (pure). */
export function deadLetterRecord(
  deadLetter: DeadLetter,
  consumerGroup: string | null,
  failedAt: number,
): DeadLetterRecord {
  const { message } = deadLetter;
  const key = message.key?.toString('utf8') ?? '';
  return {
    sourceTopic: message.topic,
    sourcePartition: message.partition,
    sourceOffset: Number(message.offset),
    consumerGroup,
    originalKey: message.key,
    originalValue: message.value,
    originalHeaders: Object.entries(message.headers).map(([name, value]) => ({ key: name, value })),
    reason: deadLetter.reason,
    errorCode: deadLetter.errorCode,
    failedAt,
    attempts: deadLetter.attempts,
    jobId: deadLetter.jobId ?? (UUID.test(key) ? key : null),
  };
}

export function createDeadLetterWriter({
  producer,
  codec,
  names,
  consumerGroup,
  now = Date.now,
}: DeadLetterWriterOptions): DeadLetterWriter {
  const counts = new Map<string, number>();
  const binding = contractBindings(names).deadLetter;
  return {
    counts,
    async write(deadLetter) {
      const record = deadLetterRecord(deadLetter, consumerGroup, now());
      const value = await codec.encode(binding, record);
      // Keyed by source position: the same message dead-lettered twice (after a crash) has one key.
      const key = `${record.sourceTopic}/${record.sourcePartition}/${record.sourceOffset}`;
      await producer.send(names.deadLetterTopic, [{ key, value }]);
      counts.set(deadLetter.errorCode, (counts.get(deadLetter.errorCode) ?? 0) + 1);
    },
  };
}
