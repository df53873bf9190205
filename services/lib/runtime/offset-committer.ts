/**
 * Commits the job consumer's offsets every `intervalMs`, each partition only up to its lowest
 * unfinished message (offset-tracker.ts), and forgets the partitions a rebalance took away, so
 * their messages are the new owner's to commit.
 */
import type { KafkaConsumer } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import type { OffsetTracker } from './offset-tracker.ts';

export interface OffsetCommitterOptions {
  consumer: Pick<KafkaConsumer, 'commit' | 'onAssignment'>;
  tracker: OffsetTracker;
  intervalMs: number;
  logger: Logger;
}

export interface OffsetCommitter {
  /** Times the consumer joined its group (1 unless it rebalanced or was thrown out). */
  readonly groupJoins: number;
  /** Commits what is committable now; a failure is logged, never thrown (see below). */
  commit(): Promise<void>;
  /** Stops the periodic commits (a last `commit()` is the caller's). */
  stop(): void;
}

export function startOffsetCommitter(options: OffsetCommitterOptions): OffsetCommitter {
  const { consumer, tracker, logger } = options;
  let groupJoins = 0;
  consumer.onAssignment((assignment) => {
    groupJoins += 1;
    for (const { topic, partition } of tracker.committable()) {
      if (!assignment[topic]?.includes(partition)) tracker.forget(topic, partition);
    }
  });
  async function commit(): Promise<void> {
    try {
      await consumer.commit(tracker.committable());
    } catch (error) {
      // A rebalance took partitions away: their messages are redelivered to the new owner.
      logger.warn({ err: error }, 'commit failed; uncommitted jobs will be redelivered');
    }
  }
  const timer = setInterval(() => void commit(), options.intervalMs).unref();
  return {
    get groupJoins() {
      return groupJoins;
    },
    commit,
    stop: () => clearInterval(timer),
  };
}
