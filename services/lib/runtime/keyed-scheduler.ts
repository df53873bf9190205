/**
 * Runs tasks with at most `concurrency` at once, never two of the same key at once and
 * those of one key in the order they were added (per-key ordering, as a partition gives,
 * while many more tasks than partitions run in parallel).
 */

type Task = () => Promise<void>;

export class KeyedScheduler {
  readonly #concurrency: number;
  readonly #waiting: { key: string; task: Task }[] = [];
  readonly #busyKeys = new Set<string>();
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    this.#concurrency = concurrency;
  }

  /** Tasks added and not finished (running or waiting). */
  get size(): number {
    return this.#running + this.#waiting.length;
  }

  /** True when as many tasks as the concurrency allows are added: time to stop taking more. */
  get full(): boolean {
    return this.size >= this.#concurrency;
  }

  /** Adds a task; it runs when a slot is free and no earlier task of its key is unfinished. */
  add(key: string, task: Task): void {
    this.#waiting.push({ key, task });
    this.#pump();
  }

  /** Resolves when every added task has finished. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    for (let index = 0; index < this.#waiting.length && this.#running < this.#concurrency;) {
      const entry = this.#waiting[index];
      if (!entry || this.#busyKeys.has(entry.key)) {
        index += 1;
        continue;
      }
      this.#waiting.splice(index, 1);
      this.#busyKeys.add(entry.key);
      this.#running += 1;
      // A task reports its own failures; the scheduler only needs to know it ended.
      void entry
        .task()
        .catch(() => {})
        .finally(() => {
          this.#running -= 1;
          this.#busyKeys.delete(entry.key);
          this.#pump();
          if (this.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }
}
