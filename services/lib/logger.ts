/** Structured JSON logs (pino), one logger per process, children per component. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** A process's (or a worker thread's) logger at `level` (the service's `LOG_LEVEL` setting). */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level });
}
