import type { Redis } from 'ioredis';

/**
 * Cleanup steps of a benchmark, run in reverse order of registration (a topic is deleted
 * before the admin client that deletes it is closed). Every step runs even if one fails.
 */
export class Cleanup {
  readonly #steps: { name: string; step: () => unknown }[] = [];
  #running: Promise<unknown[]> | undefined;

  add(name: string, step: () => unknown): void {
    this.#steps.push({ name, step });
  }

  /** Runs every step once; resolves with the failures, each reported through `onFailure`. */
  run(onFailure: (name: string, error: unknown) => void): Promise<unknown[]> {
    return (this.#running ??= (async () => {
      const failures: unknown[] = [];
      for (const { name, step } of this.#steps.reverse()) {
        try {
          await step();
        } catch (error) {
          failures.push(error);
          onFailure(name, error);
        }
      }
      return failures;
    })());
  }
}

/**
 * Deletes every key matching `pattern` (e.g. a benchmark namespace's `bench-1a2b3c4d:*`); resolves
 * with how many. SCAN in steps (ioredis's `scanStream`), not KEYS: on a Redis holding millions of
 * keys, one KEYS blocks every client for seconds, a running benchmark's included. A benchmark
 * must remove all of its namespace's keys, not only its view's: job ledger entries live for 7
 * days, and left behind by every burst of 20,000 jobs they had grown a developer's Redis to 2.4
 * million keys.
 */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let deleted = 0;
  // Each chunk is one SCAN step's keys.
  for await (const found of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
    if (found.length > 0) deleted += await redis.unlink(...found);
  }
  return deleted;
}
