/**
 * The status view exported from the compacted status topic (the source of truth, unlike the
 * view, whose results expire): each job's newest event, read up to the topic's end offsets at
 * the start. Restored by producing them again.
 */
import { jobStatusEventContract, type JobStatusEvent } from '../../../schemas/job-status-event.ts';
import type { Codec, SubjectBinding } from '../../lib/codec.ts';
import { statusEventWins } from '../../lib/job-view.ts';
import type { KafkaAdmin, KafkaClient, KafkaProducer } from '../../lib/kafka.ts';
import { readTopicToEnd } from './topic-reader.ts';

export interface StatusExportOptions {
  kafka: KafkaClient;
  admin: KafkaAdmin;
  codec: Codec;
  statusTopic: string;
  /** The throwaway reader group (deleted afterwards), e.g. `<namespace>.ctl.backup-<id>`. */
  groupId: string;
}

/** Keeps `event` if the view would take it over the one known for its job (job-view.ts's precedence; pure). */
export function keepNewest(latest: Map<string, JobStatusEvent>, event: JobStatusEvent): void {
  const known = latest.get(event.jobId);
  if (known === undefined || statusEventWins(known, event)) latest.set(event.jobId, event);
}

/** Each job's newest event, ordered by job id. */
export async function exportStatusEvents(options: StatusExportOptions): Promise<JobStatusEvent[]> {
  const latest = new Map<string, JobStatusEvent>();
  await readTopicToEnd({
    ...options,
    topic: options.statusTopic,
    handle: async (message) => {
      // Tombstones (null values) carry no event: compaction drops the job anyway.
      if (message.value === null) return;
      keepNewest(latest, (await options.codec.decode(jobStatusEventContract, message.value)).record);
    },
  });
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
