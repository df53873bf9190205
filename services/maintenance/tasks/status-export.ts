/**
 * The status view exported from the compacted status topic (the source of truth, unlike the
 * view, whose results expire): every partition read from its start to the end offset it had
 * when the export began, keeping each job's newest event. Restored by producing them again.
 */
import { jobStatusEventContract, type JobStatusEvent } from '../../../schemas/job-status-event.ts';
import type { Codec, SubjectBinding } from '../../lib/codec.ts';
import type { KafkaAdmin, KafkaClient, KafkaProducer } from '../../lib/kafka.ts';

export interface StatusExportOptions {
  kafka: KafkaClient;
  admin: KafkaAdmin;
  codec: Codec;
  statusTopic: string;
  /** The throwaway reader group (deleted afterwards), e.g. `<namespace>.ctl.backup-<id>`. */
  groupId: string;
  /** Called for long reads, so the caller's own group membership stays alive. */
  onProgress?: (read: number) => void;
}

/** Keeps `event` if it is newer than the one known for its job (pure). */
export function keepNewest(latest: Map<string, JobStatusEvent>, event: JobStatusEvent): void {
  const known = latest.get(event.jobId);
  if (known === undefined || event.sequence >= known.sequence) latest.set(event.jobId, event);
}

export async function exportStatusEvents(options: StatusExportOptions): Promise<JobStatusEvent[]> {
  const { kafka, admin, codec, statusTopic, groupId } = options;
  const ends = new Map(
    (await admin.fetchTopicOffsets(statusTopic))
      .filter(({ low, high }) => BigInt(high) > BigInt(low))
      .map(({ partition, high }) => [partition, BigInt(high)]),
  );
  const latest = new Map<string, JobStatusEvent>();
  if (ends.size === 0) return [];
  const consumer = await kafka.consumer(groupId);
  let read = 0;
  try {
    const done = new Promise<void>((resolve, reject) => {
      void consumer
        .consume({
          topics: [statusTopic],
          fromBeginning: true,
          handle: async (message) => {
            try {
              const end = ends.get(message.partition);
              if (end === undefined || BigInt(message.offset) >= end) return;
              // Tombstones (null values) carry no event: compaction will drop the job anyway.
              if (message.value !== null)
                keepNewest(latest, (await codec.decode(jobStatusEventContract, message.value)).record);
              read += 1;
              options.onProgress?.(read);
              if (BigInt(message.offset) + 1n >= end) ends.delete(message.partition);
              if (ends.size === 0) resolve();
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          },
        })
        .catch(reject);
    });
    await done;
  } finally {
    await consumer.close().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return [...latest.values()].sort((a, b) => a.jobId.localeCompare(b.jobId));
}

/** Produces `events` to the status topic of `binding` (a restore), in batches. */
export async function importStatusEvents(
  producer: KafkaProducer,
  codec: Codec,
  binding: SubjectBinding<JobStatusEvent>,
  statusTopic: string,
  events: readonly JobStatusEvent[],
): Promise<void> {
  for (let start = 0; start < events.length; start += 500) {
    const batch = events.slice(start, start + 500);
    await producer.send(
      statusTopic,
      await Promise.all(batch.map((event) => codec.toMessage(binding, event.jobId, event))),
    );
  }
}
