/**
 * The gateway's producer with a deadline: a write Kafka has not confirmed within `timeoutMs`
 * rejects with 503 `SEDANO_ERR_API_UNAVAILABLE`, so a request never waits longer than that for
 * the broker. Before it, with the broker frozen (SIGSTOP) for 20 s, a submission waited the whole
 * 20 s for its 202; kafkajs gives up on a request only after 30 s, and then tries it again.
 *
 * Its default, 5 s, is far above a write's usual few milliseconds and far below kafkajs's 30 s.
 *
 * The write itself goes on, so what it carries may still reach its topic after the 503; the
 * error says so. A submission retried with the same Idempotency-Key is produced again with the
 * same job id (submissions.ts frees the key when the write fails), and a job id runs once.
 */
import type { KafkaProducer } from '../lib/kafka.ts';
import { apiError } from './errors.ts';

export function producerWithDeadline(producer: KafkaProducer, timeoutMs: number): KafkaProducer {
  function bounded(write: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            apiError(
              'SEDANO_ERR_API_UNAVAILABLE',
              `Kafka did not confirm the write within ${timeoutMs} ms; it may still take effect ` +
                '(a submission retried with the same Idempotency-Key gives the same job)',
            ),
          ),
        timeoutMs,
      );
    });
    // The race also takes a late failure of the write, which the producer has logged already.
    return Promise.race([write, deadline]).finally(() => clearTimeout(timer));
  }
  return {
    send: (topic, messages) => bounded(producer.send(topic, messages)),
    ...(producer.sendMany && { sendMany: (batches) => bounded(producer.sendMany!(batches)) }),
    close: () => producer.close(),
  };
}
