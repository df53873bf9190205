/**
 * Moves retries and delayed jobs from a stage's delay topics back to its lanes when they are due.
 *
 * A delay topic holds messages in the order they were delayed; when its head is not due, the
 * forwarder pauses that topic, seeks back to the head and resumes when it is. The group stays
 * alive meanwhile (paused partitions still heartbeat), and no job partition waits.
 *
 * A head is held at most its tier's hold (the tier's delay) after it was appended: a message
 * appended later was delayed at least as long as that tier's delay (the shortest tier's may be
 * shorter, by less than its delay), so nothing behind the head is due before then. A head not
 * due by then (a job delayed for days, or a retry with a long backoff) goes back to the tail of
 * its topic, and the messages behind it are forwarded on time.
 */
import type { KafkaConsumer, KafkaProducer } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import { DUE_AT_HEADER, numberHeader, RETURN_TOPIC_HEADER } from './headers.ts';

/** A delay topic and how long its head may hold the messages behind it, in ms. */
export interface DelayTopic {
  topic: string;
  holdMs: number;
}

export interface RetryForwarderOptions {
  consumer: KafkaConsumer;
  producer: KafkaProducer;
  retryTopics: readonly DelayTopic[];
  logger: Logger;
  now?: () => number;
}

export interface RetryForwarder {
  close(): Promise<void>;
}

/** What to do with a delay topic's head (pure). */
export type HeadAction = { kind: 'forward' } | { kind: 'wait'; ms: number } | { kind: 'requeue' };

/** The head's action: forward it when due; else wait until it is due or its hold ends; then requeue it. */
export function headAction(head: { dueAt: number; appendedAt: number }, holdMs: number, now: number): HeadAction {
  if (head.dueAt <= now) return { kind: 'forward' };
  const holdEnds = head.appendedAt + holdMs;
  if (holdEnds <= now) return { kind: 'requeue' };
  return { kind: 'wait', ms: Math.min(head.dueAt, holdEnds) - now };
}

export async function startRetryForwarder(options: RetryForwarderOptions): Promise<RetryForwarder> {
  const { consumer, producer, retryTopics, logger } = options;
  const now = options.now ?? Date.now;
  const holds = new Map(retryTopics.map(({ topic, holdMs }) => [topic, holdMs]));
  const timers = new Set<NodeJS.Timeout>();

  await consumer.consume({
    topics: retryTopics.map(({ topic }) => topic),
    fromBeginning: true,
    manualCommit: true,
    partitionsConcurrently: retryTopics.length,
    handle: async (message) => {
      const head = { dueAt: numberHeader(message.headers, DUE_AT_HEADER, 0), appendedAt: message.timestampMs };
      const action = headAction(head, holds.get(message.topic) ?? Infinity, now());
      if (action.kind === 'wait') {
        const partition = { topic: message.topic, partition: message.partition };
        consumer.pause([partition]);
        consumer.seek({ ...partition, offset: message.offset });
        const timer = setTimeout(() => {
          timers.delete(timer);
          consumer.resume([partition]);
        }, action.ms);
        timers.add(timer);
        return;
      }
      const target = message.headers[RETURN_TOPIC_HEADER]?.toString('utf8');
      if (target === undefined) {
        logger.error({ topic: message.topic, offset: message.offset }, 'retry without a return topic: dropped');
      } else if (action.kind === 'requeue') {
        // Same key, so the same partition; a fresh timestamp starts its next hold.
        await producer.send(message.topic, [{ key: message.key, value: message.value, headers: message.headers }]);
      } else {
        const headers = { ...message.headers };
        delete headers[DUE_AT_HEADER];
        delete headers[RETURN_TOPIC_HEADER];
        await producer.send(target, [{ key: message.key, value: message.value, headers }]);
      }
      // A failed commit is logged, not thrown: thrown, kafkajs hands the message over again and
      // it is forwarded again at each try. The partition's next commit covers it; only a restart
      // before that forwards (or requeues) it again (a duplicate the job runner must bear anyway).
      const next = (BigInt(message.offset) + 1n).toString();
      await consumer
        .commit([{ topic: message.topic, partition: message.partition, offset: next }])
        .catch((error: unknown) =>
          logger.warn(
            { err: error, topic: message.topic, offset: message.offset },
            'retry forwarded; its offset was not committed',
          ),
        );
    },
  });

  return {
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await consumer.close();
    },
  };
}
