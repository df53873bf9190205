/** Waiting for conditions in tests, never for fixed times. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the failure message. */
  description: string;
  timeoutMs?: number;
  intervalMs?: number;
}

const STILL_CHECKING = Symbol('still checking');

/**
 * Polls `probe` until it returns a value other than undefined, null or false, or fails after the
 * timeout. A probe still running at the deadline fails the wait too, so a call that never
 * returns (a request nobody answers) names what was awaited instead of holding the test.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { description, timeoutMs = 20_000, intervalMs = 200 }: WaitOptions,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline) {
    let value: T | undefined | null | false | typeof STILL_CHECKING;
    try {
      value = await checkBefore(probe, deadline);
    } catch (error) {
      lastError = error;
    }
    if (value === STILL_CHECKING) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (its last check had not returned)`);
    }
    if (value !== undefined && value !== null && value !== false) return value;
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${reason}`);
}

/** One check: its value, or STILL_CHECKING if it returned a promise still pending at the deadline. */
async function checkBefore<T>(probe: () => Promise<T> | T, deadline: number): Promise<T | typeof STILL_CHECKING> {
  const value = probe();
  // A check that answers at once is taken as it is, without a race's extra turns.
  if (!(value instanceof Promise)) return value;
  const giveUp = new AbortController();
  try {
    return await Promise.race([
      value,
      sleep(Math.max(deadline - performance.now(), 0), STILL_CHECKING, { signal: giveUp.signal }),
    ]);
  } finally {
    giveUp.abort();
  }
}
