/**
 * Coalesces produce calls into shared requests: messages queued while a request is in flight
 * (or within `lingerMs` of the first) go out together in the next one, across topics and jobs,
 * at most `maxMessages` per request. One request is in flight at a time and the queue is sent
 * in the order it was filled, so every partition receives the messages in the order they were
 * queued (a job's STARTED before its SUCCESS, even when both wait for the same request).
 *
 * kafkajs's idempotent producer allows one request in flight: producing each job's events on
 * their own spends a broker round trip per event, which capped sedano near 650 jobs/s.
 */
import type { KafkaProducer, OutgoingMessage } from './kafka.ts';

export interface ProduceBatcherOptions {
  /** Most messages in one request (default 2000). */
  maxMessages?: number;
  /** How long the first message of an idle batcher waits for others, in milliseconds (default 0: the next turn of the event loop). */
  lingerMs?: number;
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
  const { maxMessages = 2000, lingerMs = 0 } = options;
  const queue: Entry[] = [];
  let busy = false;

  function schedule(): void {
    if (busy) return;
    busy = true;
    const go = () => void flush();
    if (lingerMs > 0) setTimeout(go, lingerMs);
    else setImmediate(go);
  }

  function take(): Entry[] {
    const taken: Entry[] = [];
    let count = 0;
    while (queue.length > 0 && (taken.length === 0 || count + queue[0]!.messages.length <= maxMessages)) {
      const entry = queue.shift()!;
      count += entry.messages.length;
      taken.push(entry);
    }
    return taken;
  }

  async function flush(): Promise<void> {
    const taken = take();
    try {
      // One wait for every message of the request (Promise.resolve returns a promise as it is).
      const encoded = await Promise.all(
        taken.flatMap((entry) => entry.messages.map((message) => Promise.resolve(message))),
      );
      const byTopic = new Map<string, OutgoingMessage[]>();
      let next = 0;
      for (const { topic, messages: queued } of taken) {
        let messages = byTopic.get(topic);
        if (messages === undefined) byTopic.set(topic, (messages = []));
        for (let i = 0; i < queued.length; i += 1) messages.push(encoded[next++]!);
      }
      const batches = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      if (producer.sendMany) await producer.sendMany(batches);
      else for (const { topic, messages } of batches) await producer.send(topic, messages);
      for (const entry of taken) entry.resolve();
    } catch (error) {
      for (const entry of [...taken, ...queue.splice(0)]) entry.reject(error);
    }
    busy = false;
    if (queue.length > 0) schedule();
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
