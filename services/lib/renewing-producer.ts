/**
 * An idempotent producer that sends one request at a time, and is replaced by a new one (a new
 * producer id) after a send fails.
 *
 * Why: the broker keeps each partition's batch numbers per producer id and drops a batch whose
 * numbers it already holds, acknowledging it. kafkajs (2.2.4) winds every partition of a failed
 * request back to the number it had, including partitions the broker appended: one refused for
 * its size beside them, or a request whose answer a broker restart lost. The producer's next
 * batch to such a partition reuses an appended range: it is acknowledged and dropped (a batch
 * of the same size), or refused as out of order (any other size), and so is every batch after
 * it until one has the dropped size. A new producer id starts every partition afresh; the
 * failed messages, sent again by their caller, may then be on the topic twice, which consumers
 * already bear (at-least-once), where before a later message was lost.
 *
 * One request at a time, because the winding back happens while kafkajs retries a request too:
 * a concurrent send to the same broker could take the wound-back numbers in between and be
 * dropped. A send's own retries are safe (the same messages under the same numbers). sedano's
 * hot paths already share one request at a time (produce-batcher.ts), and kafkajs allows an
 * idempotent producer one request in flight per broker anyway; what is lost is overlap across
 * brokers.
 */

/**
 * A producer as this module drives it (kafka.ts's, whose messages are `Message`): each send
 * resolves once the broker has its messages.
 */
export interface ProducerConnection<Message> {
  send(topic: string, messages: readonly Message[]): Promise<void>;
  sendMany(batches: readonly { topic: string; messages: readonly Message[] }[]): Promise<void>;
  close(): Promise<void>;
}

export interface RenewingProducerOptions<Message> {
  /** Opens and connects a new producer (with a new producer id). */
  open: () => Promise<ProducerConnection<Message>>;
  /** The first producer, already open (so the caller sees at once whether the broker answers). */
  first: ProducerConnection<Message>;
  /** Told when a failed send retires the producer (the next send opens a new one). */
  onRenew?: (error: unknown) => void;
}

export function createRenewingProducer<Message>(
  options: RenewingProducerOptions<Message>,
): ProducerConnection<Message> {
  const { open, onRenew } = options;
  let current: ProducerConnection<Message> | undefined = options.first;
  let closed = false;
  // The sends so far, chained: each starts when the one before it has settled.
  let tail: Promise<unknown> = Promise.resolve();

  function oneAtATime(send: (producer: ProducerConnection<Message>) => Promise<void>): Promise<void> {
    const sent = tail.then(async () => {
      if (closed) throw new Error('the producer is closed');
      // A failed open fails this send; the next send tries again.
      if (current === undefined) {
        const opened = await open();
        if (closed) {
          await opened.close();
          throw new Error('the producer is closed');
        }
        current = opened;
      }
      const producer = current;
      try {
        await send(producer);
      } catch (error) {
        // Nothing else is in flight on it (one request at a time): close it in the background.
        current = undefined;
        // A send that failed because close() closed its producer needs no new one.
        if (!closed) onRenew?.(error);
        void producer.close().catch(() => {});
        throw error;
      }
    });
    tail = sent.catch(() => {});
    return sent;
  }

  return {
    send: (topic, messages) => oneAtATime((producer) => producer.send(topic, messages)),
    sendMany: (batches) => oneAtATime((producer) => producer.sendMany(batches)),
    async close() {
      // Not after the queued sends: with the broker away they would hold a shutdown for their retries.
      closed = true;
      const producer = current;
      current = undefined;
      await producer?.close();
    },
  };
}
