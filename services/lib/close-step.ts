/**
 * One step of a close, bounded: it is over when its action settles or after `timeoutMs`,
 * whichever comes first, so a call that never returns (kafkajs's consumer stop and disconnect
 * are known to, tulios/kafkajs#967) cannot hold the steps after it or the process's exit.
 */

/** What a close step that did not end in time fails with. */
export class CloseStepTimeoutError extends Error {
  constructor(step: string, timeoutMs: number) {
    super(`${step} did not end within ${timeoutMs} ms`);
    this.name = 'CloseStepTimeoutError';
  }
}

/** Runs `action` as the close step `name`; resolves with its failure (an overrun is one), undefined when it ended; never rejects. */
export async function runCloseStep(name: string, action: () => Promise<unknown>, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<CloseStepTimeoutError>((resolve) => {
    timer = setTimeout(() => resolve(new CloseStepTimeoutError(name, timeoutMs)), timeoutMs);
  });
  try {
    const outcome = await Promise.race([action(), overrun]);
    return outcome instanceof CloseStepTimeoutError ? outcome : undefined;
  } catch (error) {
    return error;
  } finally {
    clearTimeout(timer);
  }
}

/** A named close step. */
export type CloseStep = readonly [name: string, close: () => Promise<unknown>];

/** Runs `steps` in order, each bounded, each even if an earlier one failed; resolves with their failures (never rejects). */
export async function runCloseSteps(steps: readonly CloseStep[], timeoutMs: number): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const [name, close] of steps) {
    const failure = await runCloseStep(name, close, timeoutMs);
    if (failure !== undefined) failures.push(failure);
  }
  return failures;
}
