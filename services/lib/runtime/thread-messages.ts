/**
 * What the stage runtime and its worker threads say to each other (thread-pool.ts and
 * thread-main.ts). Everything crosses by structured clone, so errors travel as plain data
 * and are rebuilt on the other side.
 */
import { ERROR_CODES, type ErrorCode, SedanoError } from '../errors.ts';
import type { ProgressDetails, StageResult } from './stage.ts';

/** The data a worker thread starts with. */
export interface ThreadData {
  /** The thread's entry module (thread-main.ts), which its boot script imports (thread-sources.ts). */
  threadMain: string;
  /** The thread's TypeScript modules as JavaScript, by file URL (thread-sources.ts). */
  sources: Record<string, string>;
  /** The handler module (a file URL's href). */
  moduleHref: string;
  /** Name of the logger the thread's job loggers descend from. */
  loggerName: string;
  /** Its level: the service's. */
  logLevel: string;
  /** Where the thread exports its spans; absent: its spans are not recorded. */
  telemetry: { serviceName: string; otlpEndpoint: string } | null;
  /** The stage's `handlerData` (its resolved settings), given to the module's `createHandler`. */
  handlerData: unknown;
}

/** From the runtime to a thread. */
export type ToThread =
  | {
      type: 'run';
      job: unknown;
      jobId: string;
      attempt: number;
      logBindings: Record<string, unknown>;
      /** The job's consumer span as W3C trace context: the handler's spans nest under it. */
      traceHeaders: Record<string, string>;
    }
  | { type: 'abort'; reason: PlainError }
  /** The thread is being recycled: export its last spans and end. */
  | { type: 'stop' }
  /** The answer to the thread's `call` of the same id (thread-services.ts). */
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: PlainError };

/** From a thread to the runtime. */
export type FromThread =
  | { type: 'ready' }
  | { type: 'progress'; current: number; total: number; message: string | null; details: ProgressDetails | null }
  | { type: 'result'; result: StageResult; heapBytes: number }
  | { type: 'error'; error: PlainError; heapBytes: number }
  /** A call of one of the stage's thread services, answered by a `reply` (thread-services.ts). */
  | { type: 'call'; id: number; method: string; args: unknown[] };

export interface PlainError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  retriable?: boolean;
  retryAfterMs?: number;
}

export function toPlainError(error: unknown): PlainError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, retriable, retryAfterMs } = error as { code?: unknown; retriable?: unknown; retryAfterMs?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof retriable === 'boolean' ? { retriable } : {}),
    ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
  };
}

/** Rebuilds an error: a SedanoError when it carries one of sedano's codes, else an Error. */
export function fromPlainError(plain: PlainError): Error {
  const error =
    plain.code !== undefined && plain.code in ERROR_CODES
      ? new SedanoError(plain.code as ErrorCode, plain.message, {
          retriable: plain.retriable ?? false,
          ...(plain.retryAfterMs === undefined ? {} : { retryAfterMs: plain.retryAfterMs }),
        })
      : new Error(plain.message);
  error.name = plain.name;
  if (plain.stack !== undefined) error.stack = plain.stack;
  return error;
}
