/**
 * Calls made during one turn of the event loop, run together (pure: no I/O of its own). Under
 * load many callers each want one Redis command in the same turn (the gateway's job reads, a
 * stage's ledger and revocation reads and its ledger writes), and each command costs ioredis a
 * command object, its promises and a reply of its own. Here the inputs given while no call is
 * in flight leave together once the current turn has run its I/O callbacks (setImmediate), as
 * one `runMany` (calls of at most `maxPerCall` inputs); inputs given while a call is in flight
 * wait for it to end and leave together in the next one.
 *
 * So an input is only ever run by a call made after it was given: a read answers with Redis at
 * some moment between the caller's question and its answer, as a command of its own would, and a
 * write has reached Redis when its caller's promise resolves.
 */

export interface TurnBatcherOptions {
  /** Most inputs one `runMany` call is given (a larger turn's inputs are split across calls). */
  maxPerCall: number;
}

interface Waiter<I, O> {
  input: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * `call(input)` resolves with `runMany`'s answer for `input` (the answer at its index), from a
 * call made after `call` was; inputs given together share calls, at most one round in flight.
 */
export function batchPerTurn<I, O>(
  runMany: (inputs: readonly I[]) => Promise<readonly O[]>,
  { maxPerCall }: TurnBatcherOptions,
): (input: I) => Promise<O> {
  let waiting: Waiter<I, O>[] = [];
  let scheduled = false;
  let inFlight = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = waiting;
    waiting = [];
    inFlight = true;
    const slices: Waiter<I, O>[][] = [];
    for (let start = 0; start < batch.length; start += maxPerCall) slices.push(batch.slice(start, start + maxPerCall));
    await Promise.all(
      slices.map(async (slice) => {
        try {
          const answers = await runMany(slice.map((waiter) => waiter.input));
          slice.forEach((waiter, i) => waiter.resolve(answers[i]!));
        } catch (error) {
          for (const waiter of slice) waiter.reject(error);
        }
      }),
    );
    inFlight = false;
    schedule();
  }

  function schedule(): void {
    if (scheduled || inFlight || waiting.length === 0) return;
    scheduled = true;
    // After the current turn's I/O callbacks: the inputs of every callback of this turn go
    // together. (At the end of the current callback, process.nextTick, the first request of a
    // turn left alone and the turn's others waited a round trip for it: about 21 requests a read
    // instead of 25, and a median 0.71x instead of 0.79x hello-world over 8 alternated rounds of
    // the API bench.)
    setImmediate(() => void flush());
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      schedule();
    });
}

/** Most ids one `readMany` call of `coalesceReads` is given (a larger turn's ids are split across calls). */
export const MAX_IDS_PER_READ = 500;

/**
 * Reads by id, batched per turn (above): `read(id)` resolves with `readMany`'s answer for `id`,
 * from a call made after `read` was called; each id is read once per call however many callers
 * asked for it (an MGET of the ids' keys, say).
 */
export function coalesceReads<V>(
  readMany: (ids: readonly string[]) => Promise<readonly V[]>,
): (id: string) => Promise<V> {
  return batchPerTurn<string, V>(
    async (ids) => {
      const unique = [...new Set(ids)];
      if (unique.length === ids.length) return readMany(ids);
      const values = await readMany(unique);
      const byId = new Map(unique.map((id, i) => [id, values[i]!]));
      return ids.map((id) => byId.get(id)!);
    },
    { maxPerCall: MAX_IDS_PER_READ },
  );
}
