/**
 * Runs tasks with at most `concurrency` at once, never two of the same key at once and
 * those of one key in the order they were added (per-key ordering, as a partition gives,
 * while many more tasks than partitions run in parallel). When a slot frees, the waiting
 * task of the highest priority (lowest number: the HIGH lane) whose key is free runs first.
 *
 * A task may give its slot back before it ends (`release`): a job's handler is what the
 * concurrency bounds, and once it returned, producing its outcome and writing the ledger only
 * wait on the broker and Redis. Holding the slot for those waits bounded a worker to
 * concurrency / (time per job's settling) jobs per second whatever its CPU could do (issue 12).
 * A released task still holds its key and still counts in `size` until it ends, so the order
 * per key and the bound on jobs in hand are kept.
 */

/** Gives the task's slot back to the next task; calling it again does nothing. */
export type ReleaseSlot = () => void;
type Task = (release: ReleaseSlot) => Promise<void>;

export class KeyedScheduler {
  readonly #concurrency: number;
  readonly #waiting: { key: string; task: Task; priority: number }[] = [];
  readonly #busyKeys = new Set<string>();
  /** How many waiting tasks have each priority, so a search can stop at the best one present. */
  readonly #waitingByPriority = new Map<number, number>();
  #running = 0;
  /** Tasks that released their slot and have not ended. */
  #releasedRunning = 0;
  #held = false;
  #idle: (() => void)[] = [];

  readonly #onSettled: () => void;

  /** `onSettled` runs after each task has ended and left the scheduler (so `size` counts it no more). */
  constructor(concurrency: number, onSettled: () => void = () => {}) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    this.#concurrency = concurrency;
    this.#onSettled = onSettled;
  }

  /** Tasks added and not finished (running, released and not ended, or waiting). */
  get size(): number {
    return this.#running + this.#releasedRunning + this.#waiting.length;
  }

  /** True when as many tasks as the concurrency allows are added: time to stop taking more. */
  get full(): boolean {
    return this.size >= this.#concurrency;
  }

  /** Adds a task; it runs when a slot is free and no earlier task of its key is unfinished. */
  add(key: string, task: Task, priority = 0): void {
    this.#waiting.push({ key, task, priority });
    this.#waitingByPriority.set(priority, (this.#waitingByPriority.get(priority) ?? 0) + 1);
    this.#pump();
  }

  /** While held, no waiting task starts (running ones go on). */
  hold(held: boolean): void {
    this.#held = held;
    if (!held) this.#pump();
  }

  /** Forgets the tasks that have not started; returns how many. */
  dropWaiting(): number {
    const dropped = this.#waiting.splice(0).length;
    this.#waitingByPriority.clear();
    if (this.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
    return dropped;
  }

  /** Resolves when every added task has finished. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * The index of the next task to run: the highest priority with a free key, oldest first. The
   * search stops at the first runnable task of the best priority waiting (nothing can beat it):
   * with hundreds of tasks waiting, scanning them all for every start cost a burst of no-op jobs
   * about 4% of its CPU.
   */
  #next(): number {
    let best = -1;
    let bestPresent = Infinity;
    for (const [priority, count] of this.#waitingByPriority)
      if (count > 0) bestPresent = Math.min(bestPresent, priority);
    const earlier = new Set<string>();
    for (let index = 0; index < this.#waiting.length; index += 1) {
      const entry = this.#waiting[index];
      if (!entry) continue;
      // Only the oldest waiting task of a key may run, and only when its key is free.
      const blocked = this.#busyKeys.has(entry.key) || earlier.has(entry.key);
      earlier.add(entry.key);
      if (blocked) continue;
      if (entry.priority === bestPresent) return index;
      if (best < 0 || entry.priority < (this.#waiting[best]?.priority ?? Infinity)) best = index;
    }
    return best;
  }

  #pump(): void {
    while (!this.#held && this.#running < this.#concurrency) {
      const index = this.#next();
      if (index < 0) return;
      const [entry] = this.#waiting.splice(index, 1);
      if (!entry) return;
      this.#waitingByPriority.set(entry.priority, this.#waitingByPriority.get(entry.priority)! - 1);
      this.#busyKeys.add(entry.key);
      this.#running += 1;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.#running -= 1;
        this.#releasedRunning += 1;
        this.#pump();
      };
      // A task reports its own failures; the scheduler only needs to know it ended.
      void entry
        .task(release)
        .catch(() => {})
        .finally(() => {
          if (released) this.#releasedRunning -= 1;
          else this.#running -= 1;
          this.#busyKeys.delete(entry.key);
          this.#pump();
          this.#onSettled();
          if (this.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }
}
