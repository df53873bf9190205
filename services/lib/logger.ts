/** Structured JSON logs (pino), one logger per process, children per component. */
import { type DestinationStream, pino, type Logger } from 'pino';
import { redactingSerializers } from './redaction.ts';

export type { Logger };

/**
 * A process's (or a worker thread's) logger at `level` (the service's `LOG_LEVEL` setting). A
 * logged error's message and stack lose their credentials (redaction.ts): a handler's error may
 * quote the URL it failed on, a presigned one included.
 */
export function createLogger(name: string, level: string, destination?: DestinationStream): Logger {
  return pino({ name, level, serializers: { err: (error: Error) => redactingSerializers.err(error) } }, destination);
}
