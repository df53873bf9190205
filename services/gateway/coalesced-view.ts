/**
 * Concurrent reads of the status view, coalesced (pure: no I/O of its own). Under load, many
 * requests read jobs at once (`GET /v1/jobs/:id`, the event streams' polls), often the same job;
 * one Redis GET each costs a command, a write and a reply each. Here the ids asked for while no
 * read is in flight leave together once the current turn of the event loop has run its I/O
 * callbacks (setImmediate), as one `getMany` (one MGET), each id once; ids asked for while a
 * read is in flight wait for it to end and leave together in the next one.
 *
 * Never stale: an id is only ever answered by a read sent after it was asked for, so every
 * answer reflects Redis at some moment between the request's arrival and its reply (as a GET of
 * its own would). An id asked for while a read of it is already in flight is not given that
 * read's answer (it may have been taken before the request came); it waits for the next read.
 */
import type { JobView, StatusView } from '../lib/status-view.ts';

/** Most ids one `readMany` call is given (a larger turn's ids are split across calls). */
export const MAX_IDS_PER_READ = 500;

interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/**
 * `read(id)` resolves with `readMany`'s answer for `id`, from a call made after `read` was
 * called; ids asked for together share calls (at most one round of calls in flight at a time).
 */
export function coalesceReads<V>(
  readMany: (ids: readonly string[]) => Promise<readonly V[]>,
): (id: string) => Promise<V> {
  let waiting = new Map<string, Waiter<V>[]>();
  let scheduled = false;
  let inFlight = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = waiting;
    waiting = new Map();
    inFlight = true;
    const ids = [...batch.keys()];
    const slices: string[][] = [];
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_READ) {
      slices.push(ids.slice(start, start + MAX_IDS_PER_READ));
    }
    await Promise.all(
      slices.map(async (slice) => {
        try {
          const values = await readMany(slice);
          slice.forEach((id, i) => {
            for (const waiter of batch.get(id)!) waiter.resolve(values[i]!);
          });
        } catch (error) {
          for (const id of slice) for (const waiter of batch.get(id)!) waiter.reject(error);
        }
      }),
    );
    inFlight = false;
    schedule();
  }

  function schedule(): void {
    if (scheduled || inFlight || waiting.size === 0) return;
    scheduled = true;
    // After the current turn's I/O callbacks: the ids of every request that arrived in this
    // turn go together. (At the end of the current callback, process.nextTick, the first
    // request of a turn left alone and the turn's others waited a round trip for it: about 21
    // requests a read instead of 25, and a median 0.71x instead of 0.79x hello-world over 8
    // alternated rounds of the API bench.)
    setImmediate(() => void flush());
  }

  return (id) =>
    new Promise<V>((resolve, reject) => {
      const waiters = waiting.get(id);
      if (waiters === undefined) waiting.set(id, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
      schedule();
    });
}

/**
 * `view` with its `get` coalesced (above) over `getMany`; every other method as it was. Callers
 * that asked for the same job in one read share the view object it parsed: the gateway only
 * reads views (replies are built as new objects, jobs.ts), and must keep doing so.
 */
export function coalescedView(view: StatusView): StatusView {
  const get = coalesceReads<JobView | undefined>((ids) => view.getMany(ids));
  return { ...view, get };
}
