/**
 * Consumes a topic of one contract: decodes each message with the codec and hands the
 * record to the handler. A poison message (see codec.ts) is written to the dead-letter topic
 * with the reason, logged once, and skipped, so its partition keeps flowing. Any other error
 * (an outage, a handler failure) propagates, and the message is not skipped.
 */
import { type Codec, type Contract, PoisonMessageError } from './codec.ts';
import type { DeadLetterWriter } from './dead-letter.ts';
import type { IncomingMessage, KafkaConsumer } from './kafka.ts';
import type { Logger } from './logger.ts';

export interface ContractConsumerOptions<T> {
  consumer: KafkaConsumer;
  codec: Codec;
  contract: Contract<T>;
  topics: readonly string[];
  fromBeginning: boolean;
  /** Commit nothing unless the caller does (see KafkaConsumer.consume); default false. */
  manualCommit?: boolean;
  /** Commit in the background at this interval (see KafkaConsumer.consume); default: after each batch. */
  commitIntervalMs?: number;
  deadLetters: DeadLetterWriter;
  logger: Logger;
  handle: (record: T, message: IncomingMessage) => Promise<void> | void;
}

/** Starts consuming in the background; resolves once the consumer runs. */
export async function consumeContract<T>(options: ContractConsumerOptions<T>): Promise<void> {
  const { consumer, codec, contract, deadLetters, logger, handle } = options;
  const { topics, fromBeginning, manualCommit, commitIntervalMs } = options;
  await consumer.consume({
    topics,
    fromBeginning,
    manualCommit,
    commitIntervalMs,
    handle: async (message) => {
      let record: T;
      try {
        ({ record } = await codec.decode(contract, message.value));
      } catch (error) {
        if (!(error instanceof PoisonMessageError)) throw error;
        await deadLetters.write({ message, errorCode: error.code, reason: error.message, attempts: 0 });
        logger.warn(
          { topic: message.topic, partition: message.partition, offset: message.offset, code: error.code },
          `dead-lettered a poison message: ${error.message}`,
        );
        return;
      }
      await handle(record, message);
    },
  });
}
