/**
 * Moves retries from a stage's delay topics back to its lanes when they are due.
 *
 * A retry topic holds messages in the order they were delayed; when its head is not due, the
 * forwarder pauses that topic, seeks back to the head and resumes at the due time. The group
 * stays alive meanwhile (paused partitions still heartbeat), and no job partition waits.
 */
import type { KafkaConsumer, KafkaProducer } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import { DUE_AT_HEADER, numberHeader, RETURN_TOPIC_HEADER } from './headers.ts';

export interface RetryForwarderOptions {
  consumer: KafkaConsumer;
  producer: KafkaProducer;
  retryTopics: readonly string[];
  logger: Logger;
  now?: () => number;
}

export interface RetryForwarder {
  close(): Promise<void>;
}

export async function startRetryForwarder(options: RetryForwarderOptions): Promise<RetryForwarder> {
  const { consumer, producer, retryTopics, logger } = options;
  const now = options.now ?? Date.now;
  const timers = new Set<NodeJS.Timeout>();

  await consumer.consume({
    topics: retryTopics,
    fromBeginning: true,
    manualCommit: true,
    partitionsConcurrently: retryTopics.length,
    handle: async (message) => {
      const waitMs = numberHeader(message.headers, DUE_AT_HEADER, 0) - now();
      if (waitMs > 0) {
        const head = { topic: message.topic, partition: message.partition };
        consumer.pause([head]);
        consumer.seek({ topic: message.topic, partition: message.partition, offset: message.offset });
        const timer = setTimeout(() => {
          timers.delete(timer);
          consumer.resume([head]);
        }, waitMs);
        timers.add(timer);
        return;
      }
      const target = message.headers[RETURN_TOPIC_HEADER]?.toString('utf8');
      if (target) {
        const headers = { ...message.headers };
        delete headers[DUE_AT_HEADER];
        delete headers[RETURN_TOPIC_HEADER];
        await producer.send(target, [{ key: message.key, value: message.value, headers }]);
      } else {
        logger.error({ topic: message.topic, offset: message.offset }, 'retry without a return topic: dropped');
      }
      // A failed commit is logged, not thrown: thrown, kafkajs hands the message over again and
      // it is forwarded again at each try. The partition's next commit covers it; only a restart
      // before that forwards it again (a duplicate the job runner must bear anyway).
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
