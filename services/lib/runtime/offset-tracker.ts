/**
 * Which offset of each partition may be committed: only up to the lowest message still
 * unfinished, so a crash redelivers every message whose work was not done (at-least-once)
 * even though later messages of the partition finished first.
 */

interface PartitionState {
  /** Offsets started and not finished yet. */
  unfinished: Set<bigint>;
  /** One past the highest offset started: what is committable when nothing is unfinished. */
  next: bigint;
}

export class OffsetTracker {
  readonly #partitions = new Map<string, PartitionState>();

  #state(topic: string, partition: number): PartitionState {
    const key = `${topic}\u0000${partition}`;
    let state = this.#partitions.get(key);
    if (!state) this.#partitions.set(key, (state = { unfinished: new Set(), next: -1n }));
    return state;
  }

  /** A message was received and its work begins. */
  begin(topic: string, partition: number, offset: string): void {
    const state = this.#state(topic, partition);
    const value = BigInt(offset);
    state.unfinished.add(value);
    if (value + 1n > state.next) state.next = value + 1n;
  }

  /** The work of a message is done (succeeded, failed for good, or handed to a retry topic). */
  finish(topic: string, partition: number, offset: string): void {
    this.#state(topic, partition).unfinished.delete(BigInt(offset));
  }

  /** Number of messages begun and not finished, over all partitions. */
  get inFlight(): number {
    let count = 0;
    for (const state of this.#partitions.values()) count += state.unfinished.size;
    return count;
  }

  /** The offset to commit for each partition: the lowest unfinished one, or one past the last begun. */
  committable(): { topic: string; partition: number; offset: string }[] {
    const result: { topic: string; partition: number; offset: string }[] = [];
    for (const [key, state] of this.#partitions) {
      if (state.next < 0n) continue;
      const [topic = '', partition = '0'] = key.split('\u0000');
      let lowest = state.next;
      for (const offset of state.unfinished) if (offset < lowest) lowest = offset;
      result.push({ topic, partition: Number(partition), offset: lowest.toString() });
    }
    return result;
  }

  /** Forgets partitions that were taken away by a rebalance (their messages go to the new owner). */
  forget(topic: string, partition: number): void {
    this.#partitions.delete(`${topic}\u0000${partition}`);
  }
}
