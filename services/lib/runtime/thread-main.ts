/**
 * The entry point of a stage's worker thread: loads the handler module once, then runs one
 * job at a time as the pool asks, passing progress back and aborting the handler's signal
 * when the pool says so. A thread that must stop at once (hard time limit) is terminated by
 * the pool; nothing here can prevent that.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { context as otelContext, propagation } from '@opentelemetry/api';
import { createLogger } from '../logger.ts';
import type { StageHandler } from './stage.ts';
import { fromPlainError, type FromThread, type ThreadData, toPlainError, type ToThread } from './thread-messages.ts';
import type { MainThreadCalls } from './thread-services.ts';

const port = parentPort;
if (port === null) throw new Error('thread-main.ts runs only as a worker thread');
const { moduleHref, loggerName, logLevel, telemetry: telemetryOptions, handlerData } = workerData as ThreadData;
// Each thread is an isolate of its own: it needs its own SDK to export the handler's spans.
// Loaded only then: the SDK weighs on every thread's heap.
const telemetry =
  telemetryOptions === null ? undefined : (await import('../telemetry.ts')).startTelemetry(telemetryOptions);
const post = (message: FromThread) => port.postMessage(message);
// Calls of the stage's thread services (thread-services.ts), answered by `reply` messages.
const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let lastCallId = 0;
const mainThread: MainThreadCalls = {
  call: (method, args) =>
    new Promise((resolve, reject) => {
      lastCallId += 1;
      calls.set(lastCallId, { resolve, reject });
      post({ type: 'call', id: lastCallId, method, args: [...args] });
    }),
};
port.on('message', (message: ToThread) => {
  if (message.type !== 'reply') return;
  const waiting = calls.get(message.id);
  calls.delete(message.id);
  if (message.ok) waiting?.resolve(message.value);
  else waiting?.reject(fromPlainError(message.error));
});

const loaded = (await import(moduleHref)) as { handler?: unknown; createHandler?: unknown };
// A module that needs its stage's settings exports `createHandler(handlerData, mainThread)`; others export `handler`.
const made: unknown =
  typeof loaded.createHandler === 'function'
    ? await (loaded.createHandler as (data: unknown, main: MainThreadCalls) => unknown)(handlerData, mainThread)
    : loaded.handler;
if (typeof made !== 'function') throw new Error(`${moduleHref} has no "handler" or "createHandler" function export`);
// The module declares itself for one stage; the pool only sends that stage's jobs.
const handler = made as StageHandler<never>;
const logger = createLogger(loggerName, logLevel);

/** V8 heap in use, external memory (buffers) included: what the pool's ceiling is about. */
const heapBytes = () => {
  const stats = getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
};
let running: AbortController | undefined;

port.on('message', (message: ToThread) => {
  if (message.type === 'reply') return;
  if (message.type === 'abort') {
    running?.abort(fromPlainError(message.reason));
    return;
  }
  if (message.type === 'stop') {
    void (async () => {
      await telemetry?.shutdown();
      process.exit(0);
    })();
    return;
  }
  const controller = new AbortController();
  running = controller;
  const context = {
    job: message.job as never,
    jobId: message.jobId,
    attempt: message.attempt,
    signal: controller.signal,
    logger: logger.child(message.logBindings),
    progress: (current: number, total: number, text?: string | null, details?: unknown) =>
      post({ type: 'progress', current, total, message: text ?? null, details: (details ?? null) as never }),
  };
  const parent = propagation.extract(otelContext.active(), message.traceHeaders);
  otelContext
    .with(parent, () => handler(context))
    .then(
      (result) => post({ type: 'result', result, heapBytes: heapBytes() }),
      (error: unknown) => post({ type: 'error', error: toPlainError(error), heapBytes: heapBytes() }),
    )
    .finally(() => {
      if (running === controller) running = undefined;
    });
});
post({ type: 'ready' });
