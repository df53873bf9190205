/** Structured JSON logs (pino), one logger per process, children per component. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** The process's logger; the level comes from LOG_LEVEL (default info). */
export function createLogger(name: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name, level });
}
