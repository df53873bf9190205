/**
 * Coalesces produce calls into shared requests: messages queued while a request is in flight
 * (or within `lingerMs` of the first) go out together in the next one, across topics and jobs,
 * at most `maxMessages` per request. One request is in flight at a time and the queue is sent
 * in the order it was filled, so every partition receives the messages in the order they were
 * queued (a job's STARTED before its SUCCESS, even when both wait for the same request).
 *
 * kafkajs's idempotent producer allows one request in flight: producing each job's events on
 * their own spends a broker round trip per event, which capped sedano near 650 jobs/s.
 *
 * The broker refuses a partition's record batch larger than its topic's `max.message.bytes`
 * (1 MiB), failing every message of the request with it, and kafkajs does not split one: so a
 * flush whose messages add up to more than `maxBytes` goes out as several requests, one after
 * another, in order. A few large results finishing together would otherwise fail each other's
 * jobs, again on every try.
 */
import type { KafkaProducer, OutgoingMessage } from './kafka.ts';

export interface ProduceBatcherOptions {
  /** Most messages in one request (default 2000). */
  maxMessages?: number;
  /** How long the first message of an idle batcher waits for others, in milliseconds (default 0: the next turn of the event loop). */
  lingerMs?: number;
  /**
   * Most bytes (keys, values and headers) in one request (default 1,000,000: below a topic's
   * 1 MiB, with room for the framing); a larger message goes alone.
   */
  maxBytes?: number;
}

export interface ProduceBatcher {
  /**
   * Queues `messages` for `topic` behind everything queued before; resolves once the broker
   * has them. A message still being encoded holds its place. When a request fails, its
   * messages and every message queued after them are rejected (none of them is sent), so a
   * failed event is never followed on the topic by a later one of the same caller.
   */
  send(topic: string, messages: readonly (OutgoingMessage | Promise<OutgoingMessage>)[]): Promise<void>;
}

interface Entry {
  topic: string;
  messages: readonly (OutgoingMessage | Promise<OutgoingMessage>)[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createProduceBatcher(producer: KafkaProducer, options: ProduceBatcherOptions = {}): ProduceBatcher {
  const { maxMessages = 2000, lingerMs = 0, maxBytes = 1_000_000 } = options;
  const queue: Entry[] = [];
  let busy = false;

  function schedule(): void {
    if (busy) return;
    busy = true;
    const go = () => void flush();
    if (lingerMs > 0) setTimeout(go, lingerMs);
    else setImmediate(go);
  }

  /** The queue's first entries, as many as fit in one request (at least one), taken in one splice. */
  function take(): Entry[] {
    let count = queue[0]?.messages.length ?? 0;
    let taking = 1;
    while (taking < queue.length && count + queue[taking]!.messages.length <= maxMessages) {
      count += queue[taking]!.messages.length;
      taking += 1;
    }
    return queue.splice(0, taking);
  }

  async function flush(): Promise<void> {
    const taken = take();
    try {
      // One wait for every message of the request (Promise.resolve returns a promise as it is).
      const encoded = await Promise.all(
        taken.flatMap((entry) => entry.messages.map((message) => Promise.resolve(message))),
      );
      let next = 0;
      let request = new Map<string, OutgoingMessage[]>();
      let requestBytes = 0;
      // The entries whose last message is in the request being filled: settled once it is sent.
      const waiting: Entry[] = [];
      for (const entry of taken) {
        for (let i = 0; i < entry.messages.length; i += 1) {
          const message = encoded[next++]!;
          const bytes = messageBytes(message);
          if (requestBytes > 0 && requestBytes + bytes > maxBytes) {
            await send(request);
            for (const done of waiting.splice(0)) done.resolve();
            request = new Map();
            requestBytes = 0;
          }
          let messages = request.get(entry.topic);
          if (messages === undefined) request.set(entry.topic, (messages = []));
          messages.push(message);
          requestBytes += bytes;
        }
        waiting.push(entry);
      }
      await send(request);
      for (const done of waiting) done.resolve();
    } catch (error) {
      // Entries already resolved ignore this: only the unsent ones and those behind them fail.
      for (const entry of [...taken, ...queue.splice(0)]) entry.reject(error);
    }
    busy = false;
    if (queue.length > 0) schedule();
  }

  async function send(request: Map<string, OutgoingMessage[]>): Promise<void> {
    const batches = [...request].map(([topic, messages]) => ({ topic, messages }));
    if (producer.sendMany) await producer.sendMany(batches);
    else for (const { topic, messages } of batches) await producer.send(topic, messages);
  }

  return {
    send(topic, messages) {
      return new Promise<void>((resolve, reject) => {
        // A message that fails to encode before its flush must not be an unhandled rejection:
        // the flush reports it to this entry and every entry queued after it.
        for (const message of messages) if (message instanceof Promise) message.catch(ignore);
        queue.push({ topic, messages, resolve, reject });
        schedule();
      });
    },
  };
}

const ignore = () => {};

/** What a message adds to a request, near enough: its key, value and headers. */
function messageBytes(message: OutgoingMessage): number {
  let bytes = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  for (const name in message.headers) bytes += name.length + message.headers[name]!.length;
  return bytes;
}

const shared = new WeakMap<KafkaProducer, ProduceBatcher>();

/** The batcher every caller of `producer` shares (made with the defaults on first use). */
export function produceBatcherFor(producer: KafkaProducer): ProduceBatcher {
  let batcher = shared.get(producer);
  if (batcher === undefined) {
    batcher = createProduceBatcher(producer);
    shared.set(producer, batcher);
  }
  return batcher;
}
