/**
 * Runs tasks in order per key, never two of the same key at once (per-key ordering, as a
 * partition gives, while many more tasks than partitions run in parallel), and lends at most
 * `concurrency` slots at once to the tasks that ask for one (fewer while an operator's limit
 * says so: `setSlots`). A slot frees for the waiting request of the highest priority (lowest
 * number: the HIGH lane), oldest first.
 *
 * A task starts as soon as its key is free and holds a slot only while it needs one: a job
 * decodes its message and reads the ledger, its revocation and its purge mark before it asks
 * (those only wait on Redis), runs its handler in the slot, and gives it back before it
 * produces its outcome and writes the ledger. Holding the slot for those waits bounded a worker
 * to concurrency / (time per job's waits) jobs per second whatever its CPU could do (issue 12).
 * A task keeps its key and counts in `size` until it ends, so the order per key and the bound on
 * jobs in hand (admission-gate.ts) are kept.
 */

import { abortReason } from './abort-reasons.ts';

/** A task's slot: `acquire` resolves once one is lent to it; `release` gives it back (again: nothing). */
export interface Slot {
  /** Waits for a slot; rejects with the signal's reason if it aborts first, or the stop reason once stopped. */
  acquire(signal?: AbortSignal): Promise<void>;
  release(): void;
}

/** A slot always free: for a caller that runs one job at a time (tests, tools). */
export const FREE_SLOT: Slot = { acquire: async () => {}, release: () => {} };

type Task = (slot: Slot) => Promise<void>;

interface Waiting {
  task: Task;
  priority: number;
}

interface SlotRequest {
  grant: () => void;
  refuse: (reason: Error) => void;
}

export class KeyedScheduler {
  readonly #concurrency: number;
  /** Slots lent at most now: the concurrency, or fewer (`setSlots`). */
  #slots: number;
  /** Per key, the tasks waiting for it, oldest first (the key is busy while it has an entry). */
  readonly #byKey = new Map<string, Waiting[]>();
  /** Per priority, the slot requests waiting, oldest first. */
  readonly #slotRequests = new Map<number, SlotRequest[]>();
  /** The priorities of #slotRequests, best (lowest) first: a lend looks at each in turn. */
  readonly #priorities: number[] = [];
  #slotsLent = 0;
  #started = 0;
  #waiting = 0;
  #held = false;
  /** Set once stopped: the reason every slot request is refused with. */
  #stopped: (() => Error) | undefined;
  #idle: (() => void)[] = [];

  readonly #onSettled: () => void;

  /** `onSettled` runs after each task has ended and left the scheduler (so `size` counts it no more). */
  constructor(concurrency: number, onSettled: () => void = () => {}) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    this.#concurrency = concurrency;
    this.#slots = concurrency;
    this.#onSettled = onSettled;
  }

  /** Tasks added and not finished (started, or waiting for their key). */
  get size(): number {
    return this.#started + this.#waiting;
  }

  /** Slots lent now (at most `slots`, but for slots lent before it was lowered). */
  get busySlots(): number {
    return this.#slotsLent;
  }

  /** The slots lent at most now. */
  get slots(): number {
    return this.#slots;
  }

  /**
   * Lends at most `slots` at once from now on, within 1 and the concurrency (a stage's
   * concurrency record). Lowered, the tasks holding a slot go on and no slot is lent until fewer
   * are held; raised, waiting tasks get the new slots at once. Returns the slots in force.
   */
  setSlots(slots: number): number {
    this.#slots = Math.max(1, Math.min(this.#concurrency, Math.floor(slots)));
    this.#lend();
    return this.#slots;
  }

  /** Adds a task; it starts once no earlier task of its key is unfinished. */
  add(key: string, task: Task, priority = 0): void {
    const queue = this.#byKey.get(key);
    if (queue === undefined) {
      this.#byKey.set(key, []);
      this.#start(key, task, priority);
    } else {
      queue.push({ task, priority });
      this.#waiting += 1;
    }
  }

  /** While held, no slot is lent (tasks that hold one go on). */
  hold(held: boolean): void {
    this.#held = held;
    if (!held) this.#lend();
  }

  /**
   * Stops for good (a shutdown): forgets the tasks that have not started, and refuses every slot
   * request, waiting or to come, with `reason()`: their tasks end without running their handler.
   * Tasks holding a slot go on. Returns how many tasks were forgotten.
   */
  stop(reason: () => Error): number {
    this.#stopped = reason;
    let dropped = 0;
    for (const queue of this.#byKey.values()) dropped += queue.splice(0).length;
    this.#waiting = 0;
    for (const requests of this.#slotRequests.values()) {
      for (const request of requests.splice(0)) request.refuse(reason());
    }
    this.#resolveIdle();
    return dropped;
  }

  /** Resolves when every added task has finished. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #start(key: string, task: Task, priority: number): void {
    this.#started += 1;
    let holding = false;
    const slot: Slot = {
      acquire: (signal) => {
        if (holding) return Promise.resolve();
        signal?.throwIfAborted();
        if (this.#stopped) return Promise.reject(this.#stopped());
        return new Promise<void>((resolve, reject) => {
          let requests = this.#slotRequests.get(priority);
          if (requests === undefined) {
            this.#slotRequests.set(priority, (requests = []));
            this.#priorities.push(priority);
            this.#priorities.sort((a, b) => a - b);
          }
          const queue = requests;
          const onAbort = () => {
            const index = queue.indexOf(request);
            if (index >= 0) queue.splice(index, 1);
            reject(abortReason(signal!));
          };
          const request: SlotRequest = {
            grant: () => {
              signal?.removeEventListener('abort', onAbort);
              holding = true;
              resolve();
            },
            refuse: (reason) => {
              signal?.removeEventListener('abort', onAbort);
              reject(reason);
            },
          };
          signal?.addEventListener('abort', onAbort, { once: true });
          queue.push(request);
          this.#lend();
        });
      },
      release: () => {
        if (!holding) return;
        holding = false;
        this.#slotsLent -= 1;
        this.#lend();
      },
    };
    // A task reports its own failures; the scheduler only needs to know it ended (one
    // reaction for either outcome: a catch and a finally cost every job four more promises).
    const settled = () => {
      slot.release();
      this.#started -= 1;
      this.#next(key);
      this.#onSettled();
      this.#resolveIdle();
    };
    void task(slot).then(settled, settled);
  }

  /** Starts the next task of `key`, or frees the key. */
  #next(key: string): void {
    const next = this.#byKey.get(key)?.shift();
    if (next === undefined) {
      this.#byKey.delete(key);
      return;
    }
    this.#waiting -= 1;
    this.#start(key, next.task, next.priority);
  }

  /** Lends free slots to the waiting requests: the best priority first, oldest first. */
  #lend(): void {
    while (!this.#held && this.#slotsLent < this.#slots) {
      let request: SlotRequest | undefined;
      for (const priority of this.#priorities) {
        request = this.#slotRequests.get(priority)!.shift();
        if (request !== undefined) break;
      }
      if (request === undefined) return;
      this.#slotsLent += 1;
      request.grant();
    }
  }

  #resolveIdle(): void {
    if (this.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}
