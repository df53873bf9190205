/**
 * Feeds the gateway's job metrics (job-event-metrics.ts) from the status topic: a consumer
 * group of this gateway process alone (every gateway sees every event), starting at the
 * topic's end, so the counters count from when the process started, as Prometheus expects.
 */
import { jobStatusEventContract } from '../../schemas/job-status-event.ts';
import type { Codec } from '../lib/codec.ts';
import { isSedanoError } from '../lib/errors.ts';
import type { KafkaClient } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobEventMetrics } from './job-event-metrics.ts';

export interface StatusMetricsOptions {
  kafka: KafkaClient;
  codec: Codec;
  metrics: JobEventMetrics;
  /** The status topic. */
  topic: string;
  /** A group of this process alone, e.g. `<namespace>.gateway-metrics.<instance>`. */
  groupId: string;
  logger: Logger;
}

export interface StatusMetrics {
  /** Resolves once the consumer owns its partitions (events from then on are counted). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export async function startStatusMetrics(options: StatusMetricsOptions): Promise<StatusMetrics> {
  const { kafka, codec, metrics, topic, groupId, logger } = options;
  const consumer = await kafka.consumer(groupId);
  let assigned: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (assigned = resolve));
  consumer.onAssignment((assignment) => {
    if (Object.keys(assignment).length > 0) assigned();
  });
  await consumer.consume({
    topics: [topic],
    fromBeginning: false,
    // Every status event passes here: a commit after each partition's batch (kafkajs's way) was
    // a broker round trip per batch. The group reads its offsets back only when it rejoins (a
    // broker restart), where up to a second of events may be counted twice.
    commitIntervalMs: 1_000,
    handle: async (message) => {
      try {
        metrics.observe((await codec.decode(jobStatusEventContract, message.value)).record);
      } catch (error) {
        if (isSedanoError(error) && error.retriable) throw error;
        // The projector dead-letters what does not decode; metrics only skip it.
        logger.debug({ err: error, offset: message.offset }, 'undecodable status event skipped by metrics');
      }
    },
  });
  return { ready, close: () => consumer.close() };
}
