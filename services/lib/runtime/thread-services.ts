/**
 * Services a stage's worker threads call in the main thread: what is costly to hold once per
 * thread (a vector-store connection and its native module, a Redis client, an embedding model)
 * is held once per process, and the threads keep only the CPU work. A stage declares them with
 * `threadServices` (stage.ts); the thread pool opens them on the first call from any thread (a
 * failed open is tried again on the next call), answers every call, and closes them after its
 * threads have ended and every call in progress has settled.
 */
import type { Logger } from '../logger.ts';

/** Methods the threads call by name; arguments and results cross by structured clone. */
export type ThreadServiceMethods = Readonly<Record<string, (...args: never[]) => Promise<unknown>>>;

/** What a stage's `threadServices` opens. */
export interface ThreadServices {
  methods: ThreadServiceMethods;
  /** Ends what the methods use (connections); called once, after the last call has settled. */
  close(): Promise<void>;
}

/** Opens a stage's thread services (once per process); `logger` is the stage's. */
export type ThreadServicesFactory = (logger: Logger) => Promise<ThreadServices>;

/** How a thread's handler calls its stage's thread services (given to `createHandler`). */
export interface MainThreadCalls {
  call(method: string, args: readonly unknown[]): Promise<unknown>;
}

/** Serves the calls of a pool's threads; one per pool. */
export class ThreadServicesHost {
  readonly #factory: ThreadServicesFactory;
  readonly #logger: Logger;
  #opened: Promise<ThreadServices> | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(factory: ThreadServicesFactory, logger: Logger) {
    this.#factory = factory;
    this.#logger = logger;
  }

  /** Runs `method` with `args`; rejects for an unknown method or once closed. */
  serve(method: string, args: readonly unknown[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('the stage thread services are closed'));
    const call = this.#open().then((services) => {
      const fn = Object.hasOwn(services.methods, method) ? services.methods[method] : undefined;
      if (fn === undefined) throw new Error(`no thread service method "${method}"`);
      return (fn as (...args: unknown[]) => Promise<unknown>)(...args);
    });
    this.#inFlight.add(call);
    const forget = () => this.#inFlight.delete(call);
    call.then(forget, forget);
    return call;
  }

  /** Waits for every call in progress, then closes the services if they were opened. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    const opened = await this.#opened?.catch(() => undefined);
    await opened?.close();
  }

  #open(): Promise<ThreadServices> {
    return (this.#opened ??= this.#factory(this.#logger).catch((error: unknown) => {
      this.#opened = undefined;
      throw error;
    }));
  }
}
