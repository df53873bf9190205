/**
 * A stage's worker-thread pool: runs a handler module's jobs on up to `size` threads, one job
 * per thread at a time, so CPU-heavy handlers never hold the event loop that heartbeats to
 * Kafka. Written here rather than taken from a library (Piscina) because the runtime needs
 * what those pools do not give together: a cooperative abort first and termination only after
 * a grace period (or at once for the hard time limit), progress messages during a job, and
 * recycling a thread after N jobs or above a heap ceiling checked between jobs (Celery's
 * max-tasks-per-child and memory guard).
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import { abortReason, TimeLimitError } from './abort-reasons.ts';
import type { ProgressDetails, StageResult } from './stage.ts';
import { type FromThread, fromPlainError, type ThreadData, type ToThread, toPlainError } from './thread-messages.ts';
import { type ThreadServicesFactory, ThreadServicesHost } from './thread-services.ts';
import { strippedModuleGraph, THREAD_BOOT } from './thread-sources.ts';

const THREAD_MAIN = new URL('./thread-main.ts', import.meta.url);

export interface ThreadPoolOptions {
  /** The handler module: its `handler` export runs the jobs. */
  module: URL;
  size: number;
  maxJobsPerThread?: number | undefined;
  maxHeapMb?: number | undefined;
  /** Each thread's V8 young-generation ceiling (`resourceLimits.maxYoungGenerationSizeMb`). */
  maxYoungGenerationMb?: number | undefined;
  /** Each thread's V8 old-generation ceiling (`resourceLimits.maxOldGenerationSizeMb`). */
  maxOldGenerationMb?: number | undefined;
  abortGraceMs?: number | undefined;
  /** Name of the threads' loggers. */
  loggerName: string;
  /** Given to the module's `createHandler` in every thread (structured clone). */
  handlerData?: unknown;
  /** What the threads call in this thread (thread-services.ts): opened on the first call, closed with the pool. */
  services?: ThreadServicesFactory | undefined;
  /** Where the threads export the handler's spans (default: nowhere). */
  telemetry?: { serviceName: string; otlpEndpoint: string } | undefined;
  logger: Logger;
  /** Told the threads alive or starting when that changes, and why a thread was replaced (metrics). */
  events?: ThreadPoolEvents | undefined;
}

export interface ThreadPoolEvents {
  size(threads: number): void;
  /** `max-jobs`, `max-heap`, `hard-time-limit`, `did-not-stop` or `crashed`. */
  replaced(reason: string): void;
}

export interface ThreadJob {
  job: unknown;
  jobId: string;
  attempt: number;
  logBindings: Record<string, unknown>;
  signal: AbortSignal;
  /** The job's trace context (W3C headers) for the handler's spans. */
  traceHeaders: Record<string, string>;
  onProgress: (current: number, total: number, message: string | null, details: ProgressDetails | null) => void;
}

export interface ThreadPoolStats {
  /** Threads started since the pool was created. */
  started: number;
  /** Threads replaced after their job count or heap ceiling. */
  recycled: number;
  /** Threads terminated because a job did not stop in time (or its thread died). */
  terminated: number;
}

interface PoolThread {
  worker: Worker;
  jobs: number;
}

interface Waiter {
  resolve: (thread: PoolThread) => void;
  reject: (error: unknown) => void;
}

export class ThreadPool {
  readonly stats: ThreadPoolStats = { started: 0, recycled: 0, terminated: 0 };
  readonly #options: ThreadPoolOptions;
  readonly #idle: PoolThread[] = [];
  readonly #all = new Set<PoolThread>();
  readonly #waiters: Waiter[] = [];
  /** Threads alive or starting. */
  #count = 0;
  #closed = false;
  readonly #services: ThreadServicesHost | undefined;
  /** The threads' modules as JavaScript, prepared when the first thread starts. */
  #sources: Record<string, string> | undefined;

  constructor(options: ThreadPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError('size must be a positive integer');
    this.#options = options;
    this.#services =
      options.services === undefined ? undefined : new ThreadServicesHost(options.services, options.logger);
  }

  /** Threads alive or starting. */
  get size(): number {
    return this.#count;
  }

  /** Runs one job on a free thread; rejects with the signal's reason when it aborts. */
  async run(job: ThreadJob): Promise<StageResult> {
    job.signal.throwIfAborted();
    const thread = await this.#acquire();
    // Starting a thread takes a while: the job may have been aborted meanwhile.
    if (job.signal.aborted) {
      this.#release(thread);
      throw abortReason(job.signal);
    }
    return this.#runOn(thread, job);
  }

  /**
   * Stops every thread: idle ones export their last spans first; running jobs reject. Then the
   * thread services close, once the calls the threads made have settled.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('the thread pool is closed'));
    await Promise.all(
      [...this.#all].map((thread) => (this.#idle.includes(thread) ? this.#stop(thread) : thread.worker.terminate())),
    );
    await this.#services?.close();
  }

  async #acquire(): Promise<PoolThread> {
    if (this.#closed) throw new Error('the thread pool is closed');
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;
    if (this.#count < this.#options.size) return this.#start();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async #start(): Promise<PoolThread> {
    this.#count += 1;
    this.#options.events?.size(this.#count);
    const data: ThreadData = {
      threadMain: THREAD_MAIN.href,
      sources: (this.#sources ??= strippedModuleGraph([THREAD_MAIN, this.#options.module])),
      moduleHref: this.#options.module.href,
      loggerName: this.#options.loggerName,
      logLevel: this.#options.logger.level,
      telemetry: this.#options.telemetry ?? null,
      handlerData: this.#options.handlerData ?? null,
    };
    const { maxYoungGenerationMb: young, maxOldGenerationMb: old } = this.#options;
    const worker = new Worker(THREAD_BOOT, {
      eval: true,
      workerData: data,
      resourceLimits: {
        ...(young === undefined ? {} : { maxYoungGenerationSizeMb: young }),
        ...(old === undefined ? {} : { maxOldGenerationSizeMb: old }),
      },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (message: FromThread) => message.type === 'ready' && done(null);
        const onError = (error: Error) => done(error);
        const onExit = (code: number) => done(new Error(`the worker thread exited with code ${code} while starting`));
        const done = (error: Error | null) => {
          worker.off('message', onMessage).off('error', onError).off('exit', onExit);
          if (error === null) resolve();
          else reject(error);
        };
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      });
    } catch (error) {
      this.#count -= 1;
      this.#options.events?.size(this.#count);
      void worker.terminate();
      throw new Error(`the handler module ${this.#options.module.href} did not load in a worker thread`, {
        cause: error,
      });
    }
    this.stats.started += 1;
    const thread = { worker, jobs: 0 };
    worker.on('message', (message: FromThread) => {
      if (message.type === 'call') this.#answer(worker, message);
    });
    this.#all.add(thread);
    // A thread that dies between jobs (a crash in code the module started) leaves the pool.
    worker.once('exit', () => this.#forget(thread));
    return thread;
  }

  /** Runs a thread's call of a thread service and posts the reply (a thread ended meanwhile gets none). */
  #answer(worker: Worker, call: Extract<FromThread, { type: 'call' }>): void {
    const reply = (message: ToThread) => worker.postMessage(message);
    const services = this.#services;
    const served =
      services === undefined
        ? Promise.reject(new Error('this stage declares no thread services'))
        : services.serve(call.method, call.args);
    served.then(
      (value) => reply({ type: 'reply', id: call.id, ok: true, value }),
      (error: unknown) => reply({ type: 'reply', id: call.id, ok: false, error: toPlainError(error) }),
    );
  }

  #runOn(thread: PoolThread, job: ThreadJob): Promise<StageResult> {
    const { worker } = thread;
    return new Promise<StageResult>((resolve, reject) => {
      let settled = false;
      let recycled = false;
      let grace: NodeJS.Timeout | undefined;
      const settle = (outcome: () => void, keep: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(grace);
        worker.off('message', onMessage).off('error', onDeath).off('exit', onDeath);
        job.signal.removeEventListener('abort', onAbort);
        outcome();
        if (keep) this.#release(thread);
        else this.#retire(thread, recycled ? 'recycled' : 'terminated');
      };
      const finished = (heapBytes: number) => {
        thread.jobs += 1;
        const { maxJobsPerThread, maxHeapMb } = this.#options;
        const reason =
          maxJobsPerThread !== undefined && thread.jobs >= maxJobsPerThread
            ? 'max-jobs'
            : maxHeapMb !== undefined && heapBytes > maxHeapMb * 1024 * 1024
              ? 'max-heap'
              : undefined;
        if (reason !== undefined) this.#options.events?.replaced(reason);
        return reason === undefined;
      };
      const onMessage = (message: FromThread) => {
        switch (message.type) {
          case 'progress':
            job.onProgress(message.current, message.total, message.message, message.details);
            return;
          case 'result': {
            const keep = finished(message.heapBytes);
            recycled = !keep;
            if (!keep) this.stats.recycled += 1;
            settle(() => resolve(message.result), keep);
            return;
          }
          case 'error': {
            const keep = finished(message.heapBytes);
            recycled = !keep;
            if (!keep) this.stats.recycled += 1;
            // A handler that stopped because its signal aborted fails with the abort's reason.
            const error = job.signal.aborted ? abortReason(job.signal) : fromPlainError(message.error);
            settle(() => reject(error), keep);
            return;
          }
          case 'ready':
          case 'call':
            return;
        }
      };
      const onDeath = (cause: unknown) => {
        this.stats.terminated += 1;
        this.#options.events?.replaced('crashed');
        const error = job.signal.aborted
          ? abortReason(job.signal)
          : new Error(`the worker thread running job ${job.jobId} died`, { cause });
        settle(() => reject(error), false);
      };
      const onAbort = () => {
        const reason = abortReason(job.signal);
        worker.postMessage({ type: 'abort', reason: toPlainError(reason) } satisfies ToThread);
        const hard = reason instanceof TimeLimitError && reason.kind === 'hard';
        grace = setTimeout(
          () => {
            this.stats.terminated += 1;
            this.#options.events?.replaced(hard ? 'hard-time-limit' : 'did-not-stop');
            this.#options.logger.warn({ jobId: job.jobId }, 'the job did not stop in time: its thread is terminated');
            settle(() => reject(reason), false);
          },
          hard ? 0 : (this.#options.abortGraceMs ?? 1_000),
        );
      };
      worker.on('message', onMessage).on('error', onDeath).on('exit', onDeath);
      job.signal.addEventListener('abort', onAbort, { once: true });
      const run: ToThread = {
        type: 'run',
        job: job.job,
        jobId: job.jobId,
        attempt: job.attempt,
        logBindings: job.logBindings,
        traceHeaders: job.traceHeaders,
      };
      worker.postMessage(run);
    });
  }

  /** A thread back from a job goes to the first waiter, or waits idle. */
  #release(thread: PoolThread): void {
    if (this.#closed) {
      this.#retire(thread, 'closed');
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(thread);
    else this.#idle.push(thread);
  }

  /**
   * Ends a thread; a waiting job gets a new one. A recycled thread is asked to stop (it exports
   * its last spans first) and terminated if it has not within a few seconds.
   */
  #retire(thread: PoolThread, why: 'recycled' | 'terminated' | 'closed'): void {
    if (why === 'recycled') void this.#stop(thread);
    else void thread.worker.terminate();
    this.#forget(thread);
  }

  /** Asks an idle thread to end (it exports its last spans), terminating it after a few seconds. */
  #stop(thread: PoolThread): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => void thread.worker.terminate(), 5_000);
      thread.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      thread.worker.postMessage({ type: 'stop' } satisfies ToThread);
    });
  }

  /** Takes a thread out of the pool (once); a waiting job gets a new one. */
  #forget(thread: PoolThread): void {
    if (!this.#all.delete(thread)) return;
    this.#count -= 1;
    this.#options.events?.size(this.#count);
    const idle = this.#idle.indexOf(thread);
    if (idle >= 0) this.#idle.splice(idle, 1);
    if (this.#closed) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) this.#start().then(waiter.resolve, waiter.reject);
  }
}
