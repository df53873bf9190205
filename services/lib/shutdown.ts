/**
 * How a service's main.ts stops: on the first SIGTERM or SIGINT it runs its close steps in
 * order, each once, each even if an earlier one failed (a failure is logged and makes the exit
 * code 1), so a broken connection never keeps the others open.
 */
import type { Logger } from './logger.ts';

export type CloseStep = [name: string, close: () => Promise<unknown>];

/** A close function that runs `steps` (in order) once; later calls wait for the first. */
export function closeInOrder(logger: Logger, steps: () => readonly CloseStep[]): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      for (const [name, close] of steps()) {
        try {
          await close();
        } catch (error) {
          process.exitCode = 1;
          logger.error({ err: error }, `closing ${name} failed`);
        }
      }
    })());
}

/** Runs `close` on the first SIGTERM or SIGINT. */
export function closeOnSignal(logger: Logger, close: () => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void close();
    });
  }
}
