/**
 * Keeps a finished job's terminal event the last record of its key in the compacted status
 * topic. Compaction keeps the last record written for a key, not the one with the highest
 * sequence: an older event written after a job ended (the PENDING of a repeated submission, a
 * follow-up produced again after a crash) or a late one from an earlier attempt would be all a
 * rebuild finds once compaction ran, and the rebuilt view would show the job unfinished.
 *
 * So when the live projector ignores such an event for a terminal job, it writes the job's
 * terminal event again, with its own sequence: a duplicate for every reader (it changes
 * nothing, and is never restated itself), and now the key's last record.
 */
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { SubjectBinding } from '../../topology/contracts.ts';
import type { Codec } from '../lib/codec.ts';
import type { KafkaProducer } from '../lib/kafka.ts';
import {
  type ApplyOutcome,
  compareStatusEvents,
  eventOfView,
  type JobView,
  TERMINAL_STATES,
} from '../lib/status-view.ts';

/** The terminal view to state again after `event` was ignored, if any (pure). */
export function terminalToRestate(outcome: ApplyOutcome, event: JobStatusEvent): JobView | undefined {
  const { view } = outcome;
  if (outcome.applied || view === undefined || !TERMINAL_STATES.has(view.state)) return undefined;
  return compareStatusEvents(event, view) === 0 ? undefined : view;
}

/** Produces the terminal event of each of `views` again, in one request. */
export async function restateTerminals(
  views: readonly JobView[],
  {
    producer,
    codec,
    topic,
    statusBinding,
  }: { producer: KafkaProducer; codec: Codec; topic: string; statusBinding: SubjectBinding<JobStatusEvent> },
): Promise<void> {
  const messages = await Promise.all(
    views.map((view) => codec.toMessage(statusBinding, view.jobId, eventOfView(view))),
  );
  await producer.send(topic, messages);
}
