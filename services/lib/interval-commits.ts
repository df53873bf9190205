/**
 * Commits a consumer's handled offsets in the background, every `intervalMs`, rather than after
 * every fetched partition batch (no I/O of its own: the commit is given). kafkajs's autoCommit
 * commits after each partition's batch and waits for it before handing over the next one,
 * whatever its autoCommitInterval says (tulios/kafkajs#446). The status projector gets a fetch of up to 12
 * partitions; at 1,000 jobs/s that was one OffsetCommit round trip per batch, about 780 a
 * second, and the events of the later partitions waited behind them (docs/benchmarks.md).
 *
 * What was handled after the last commit is handled again by the next owner when a process
 * dies: at-least-once, as with any commit, over a window of up to `intervalMs`. Only consumers
 * that apply a message twice harmlessly use this (the projector's precedence rules do).
 */

/** The offset of the next message to read in a partition (kafka.ts's PartitionOffset). */
export interface HandledOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface IntervalCommitsOptions {
  intervalMs: number;
  /** Called when a commit fails; its offsets are tried again with the next one. */
  onError: (error: unknown) => void;
}

export interface IntervalCommits {
  /** Every message of the partition before `nextOffset` was handled. */
  handled(topic: string, partition: number, nextOffset: string): void;
  /**
   * The partitions the member owns after a rebalance: the handled offsets of the others are
   * dropped, since a commit of them would overwrite what their new owner commits.
   */
  assigned(assignment: Record<string, number[]>): void;
  /** Commits what was handled since the last commit; resolves once committed (or failed). */
  flush(): Promise<void>;
  /** Stops the periodic commits (a last `flush()` is the caller's). */
  stop(): void;
}

export function startIntervalCommits(
  commit: (offsets: HandledOffset[]) => Promise<void>,
  { intervalMs, onError }: IntervalCommitsOptions,
): IntervalCommits {
  const pending = new Map<string, HandledOffset>();
  const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  let inFlight: Promise<void> | undefined;
  let rebalances = 0;

  // One commit at a time; offsets handled while it is in flight go in the next, right after.
  async function commitPending(): Promise<void> {
    while (pending.size > 0) {
      const offsets = [...pending.values()];
      const rebalancesBefore = rebalances;
      pending.clear();
      try {
        await commit(offsets);
      } catch (error) {
        // Kept for the next commit, unless the partition moved on meanwhile, or a rebalance
        // may have given it to another member.
        for (const offset of offsets) {
          const key = keyOf(offset.topic, offset.partition);
          if (rebalances === rebalancesBefore && !pending.has(key)) pending.set(key, offset);
        }
        onError(error);
        return;
      }
    }
  }

  const flush = (): Promise<void> => (inFlight ??= commitPending().finally(() => (inFlight = undefined)));
  const timer = setInterval(() => void flush(), intervalMs).unref();
  return {
    handled(topic, partition, nextOffset) {
      pending.set(keyOf(topic, partition), { topic, partition, offset: nextOffset });
    },
    assigned(assignment) {
      rebalances += 1;
      for (const [key, { topic, partition }] of pending) {
        if (!assignment[topic]?.includes(partition)) pending.delete(key);
      }
    },
    flush,
    stop: () => clearInterval(timer),
  };
}
