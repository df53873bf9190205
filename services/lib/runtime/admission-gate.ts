/**
 * Decides which delivered messages a stage takes in, so higher lanes are drained first and
 * a full worker stops fetching while its consumer keeps heartbeating:
 *
 * - a message of a lower lane is taken in; once 4 x `concurrency` jobs are in hand (running,
 *   or waiting in the scheduler as a buffer that keeps the slots busy while fetching resumes),
 *   its partition is paused until the jobs in hand fall to half that;
 * - the highest lane's partitions pause only at 8 x `concurrency`, so a HIGH job behind a
 *   backlog of LOW ones is taken in at once and runs at the next free slot (the scheduler
 *   prefers it);
 * - while the stage is paused (PAUSE_STAGE) a delivered message is not taken in: its
 *   partition is paused and sought back to it, so it is fetched again on RESUME_STAGE.
 *
 * Only partitions that delivered a message are paused: kafkajs 2.2.4 never resumes a
 * partition paused before its first fetch (tulios/kafkajs#1599).
 */
import type { IncomingMessage, KafkaConsumer } from '../kafka.ts';

/** How many jobs may be in hand before a partition of `priority` (0 = highest lane) pauses (pure). */
export function admissionLimit(priority: number, concurrency: number): number {
  return priority === 0 ? 8 * concurrency : 4 * concurrency;
}

/** Paused partitions resume at half their limit, so each resume lets a whole batch in (pure). */
export function resumeLevel(priority: number, concurrency: number): number {
  return Math.floor(admissionLimit(priority, concurrency) / 2);
}

interface PausedPartition {
  topic: string;
  partition: number;
  priority: number;
}

export class AdmissionGate {
  readonly #concurrency: number;
  readonly #inHand: () => number;
  readonly #consumer: Pick<KafkaConsumer, 'pause' | 'resume' | 'seek'>;
  readonly #paused = new Map<string, PausedPartition>();
  #suspended = false;

  /** `inHand` counts the jobs taken in and not finished. */
  constructor(concurrency: number, inHand: () => number, consumer: Pick<KafkaConsumer, 'pause' | 'resume' | 'seek'>) {
    this.#concurrency = concurrency;
    this.#inHand = inHand;
    this.#consumer = consumer;
  }

  get suspended(): boolean {
    return this.#suspended;
  }

  /** True if the message is to be taken in; called as it is delivered. */
  offer(message: IncomingMessage, priority: number): boolean {
    if (this.#suspended) {
      this.#pause(message, priority);
      this.#consumer.seek({ topic: message.topic, partition: message.partition, offset: message.offset });
      return false;
    }
    return true;
  }

  /** Called after a message was taken in: pauses its partition if its lane is full. */
  taken(message: IncomingMessage, priority: number): void {
    if (this.#inHand() >= admissionLimit(priority, this.#concurrency)) this.#pause(message, priority);
  }

  /** Resumes the partitions whose lanes may flow again (a job finished, or the stage resumed). */
  changed(): void {
    if (this.#suspended) return;
    for (const [key, paused] of this.#paused) {
      if (this.#inHand() > resumeLevel(paused.priority, this.#concurrency)) continue;
      this.#paused.delete(key);
      this.#consumer.resume([{ topic: paused.topic, partition: paused.partition }]);
    }
  }

  suspend(suspended: boolean): void {
    this.#suspended = suspended;
    this.changed();
  }

  #pause(message: IncomingMessage, priority: number): void {
    const key = `${message.topic}\u0000${message.partition}`;
    const known = this.#paused.get(key);
    this.#paused.set(key, {
      topic: message.topic,
      partition: message.partition,
      priority: known?.priority ?? priority,
    });
    this.#consumer.pause([{ topic: message.topic, partition: message.partition }]);
  }
}
