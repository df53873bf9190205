/**
 * Reads a topic from its start to the end offsets it had when the read began, with a
 * throwaway consumer group deleted afterwards: a consistent cut of a topic that keeps growing.
 */
import type { IncomingMessage, KafkaAdmin, KafkaClient } from '../../lib/kafka.ts';

export interface TopicReadOptions {
  kafka: KafkaClient;
  admin: KafkaAdmin;
  topic: string;
  /** The throwaway reader group, under a prefix the cache cleanup knows. */
  groupId: string;
  handle: (message: IncomingMessage) => Promise<void> | void;
}

/** Resolves once every message below the starting end offsets was handled; returns how many. */
export async function readTopicToEnd({ kafka, admin, topic, groupId, handle }: TopicReadOptions): Promise<number> {
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic))
      .filter(({ low, high }) => BigInt(high) > BigInt(low))
      .map(({ partition, high }) => [partition, BigInt(high)]),
  );
  if (ends.size === 0) return 0;
  const consumer = await kafka.consumer(groupId);
  let read = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      consumer
        .consume({
          topics: [topic],
          fromBeginning: true,
          handle: async (message) => {
            try {
              const end = ends.get(message.partition);
              if (end === undefined || BigInt(message.offset) >= end) return;
              await handle(message);
              read += 1;
              if (BigInt(message.offset) + 1n >= end) ends.delete(message.partition);
              if (ends.size === 0) resolve();
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.close().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return read;
}
