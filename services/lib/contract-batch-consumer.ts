/**
 * Consumes a topic of one contract a fetched batch at a time (see contract-consumer.ts for one
 * message at a time): each message is decoded with the codec, poison messages are written to
 * the dead-letter topic and left out, and the handler gets the rest of the batch, in offset
 * order. Any other error propagates, and the whole batch is fetched again.
 */
import { type Codec, type Contract, PoisonMessageError } from './codec.ts';
import type { ContractConsumerOptions } from './contract-consumer.ts';
import type { IncomingMessage } from './kafka.ts';

/** A decoded record and the message it came in. */
export interface DecodedMessage<T> {
  record: T;
  message: IncomingMessage;
}

export interface ContractBatchConsumerOptions<T> extends Omit<ContractConsumerOptions<T>, 'handle'> {
  handleBatch: (records: DecodedMessage<T>[]) => Promise<void>;
}

async function decodeAll<T>(
  {
    codec,
    contract,
    deadLetters,
    logger,
  }: Pick<ContractBatchConsumerOptions<T>, 'deadLetters' | 'logger'> & {
    codec: Codec;
    contract: Contract<T>;
  },
  messages: readonly IncomingMessage[],
): Promise<DecodedMessage<T>[]> {
  const decoded: DecodedMessage<T>[] = [];
  for (const message of messages) {
    try {
      decoded.push({ record: (await codec.decode(contract, message.value)).record, message });
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      await deadLetters.write({ message, errorCode: error.code, reason: error.message, attempts: 0 });
      logger.warn(
        { topic: message.topic, partition: message.partition, offset: message.offset, code: error.code },
        `dead-lettered a poison message: ${error.message}`,
      );
    }
  }
  return decoded;
}

/** Starts consuming in the background; resolves once the consumer runs. */
export async function consumeContractBatches<T>(options: ContractBatchConsumerOptions<T>): Promise<void> {
  const { consumer, topics, fromBeginning, manualCommit, commitIntervalMs, handleBatch } = options;
  await consumer.consume({
    topics,
    fromBeginning,
    manualCommit,
    commitIntervalMs,
    handleBatch: async (messages) => {
      const decoded = await decodeAll(options, messages);
      if (decoded.length > 0) await handleBatch(decoded);
    },
  });
}
