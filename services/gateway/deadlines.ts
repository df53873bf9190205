/**
 * The gateway's producer, admin and codec with a deadline: a Kafka call not answered within
 * `timeoutMs` rejects with 503 `SEDANO_ERR_API_UNAVAILABLE`, so a request never waits longer
 * than that for the broker. Before it, with the broker frozen (SIGSTOP) for 20 s, a submission
 * waited the whole 20 s for its 202, and `GET /v1/stages` answered 503 after 30 s (kafkajs's
 * timeout for the lock on its metadata, which its calls for the five stages waited on). Its
 * default, 5 s, is far above a call's usual few milliseconds and far below kafkajs's 30 s.
 *
 * The call itself goes on, so a write may still reach its topic after the 503; the error says
 * so. A submission retried with the same Idempotency-Key is produced again with the same job id
 * (submissions.ts frees the key when the write fails), and a job id runs once.
 *
 * The codec's calls of the schema registry (a subject's first registration, a writer schema's
 * first lookup) get a deadline of their own: with the registry frozen, a submission whose
 * subject the gateway had not registered yet answered 503 after 82 s (the registry client's
 * seven 10 s timeouts and its backoff). The gateway learns its subjects' ids at start
 * (main.ts), so this only matters for a registry that is away then.
 */
import type { Codec } from '../lib/codec.ts';
import type { KafkaAdmin, KafkaProducer } from '../lib/kafka.ts';
import { apiError } from './errors.ts';

/** `call`, or a 503 once `timeoutMs` has passed without its answer; the race also takes its late failure. */
function within<T>(call: Promise<T>, timeoutMs: number, unanswered: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(apiError('SEDANO_ERR_API_UNAVAILABLE', unanswered)), timeoutMs);
  });
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}

export function producerWithDeadline(producer: KafkaProducer, timeoutMs: number): KafkaProducer {
  const unconfirmed =
    `Kafka did not confirm the write within ${timeoutMs} ms; it may still take effect ` +
    '(a submission retried with the same Idempotency-Key gives the same job)';
  const bounded = (write: Promise<void>) => within(write, timeoutMs, unconfirmed);
  return {
    send: (topic, messages) => bounded(producer.send(topic, messages)),
    ...(producer.sendMany && { sendMany: (batches) => bounded(producer.sendMany!(batches)) }),
    close: () => producer.close(),
  };
}

export function adminWithDeadline(admin: KafkaAdmin, timeoutMs: number): KafkaAdmin {
  const unanswered = `Kafka did not answer within ${timeoutMs} ms`;
  const bounded = <T>(call: Promise<T>) => within(call, timeoutMs, unanswered);
  return {
    describeCluster: () => bounded(admin.describeCluster()),
    listTopics: () => bounded(admin.listTopics()),
    describeTopics: (names) => bounded(admin.describeTopics(names)),
    createTopics: (topics) => bounded(admin.createTopics(topics)),
    replaceTopicConfigs: (name, configs) => bounded(admin.replaceTopicConfigs(name, configs)),
    increasePartitions: (name, count) => bounded(admin.increasePartitions(name, count)),
    deleteTopics: (names) => bounded(admin.deleteTopics(names)),
    fetchTopicOffsets: (name) => bounded(admin.fetchTopicOffsets(name)),
    describeGroup: (groupId) => bounded(admin.describeGroup(groupId)),
    fetchGroupOffsets: (groupId, topics) => bounded(admin.fetchGroupOffsets(groupId, topics)),
    listGroups: () => bounded(admin.listGroups()),
    deleteGroups: (groupIds) => bounded(admin.deleteGroups(groupIds)),
    close: () => admin.close(),
  };
}

export function codecWithDeadline(codec: Codec, timeoutMs: number): Codec {
  const unanswered = `the schema registry did not answer within ${timeoutMs} ms`;
  const bounded = <T>(call: Promise<T>) => within(call, timeoutMs, unanswered);
  return {
    encode: (binding, record) => bounded(codec.encode(binding, record)),
    decode: (contract, value) => bounded(codec.decode(contract, value)),
    toMessage: (binding, key, record) => bounded(codec.toMessage(binding, key, record)),
    fromMessage: (contract, message) => bounded(codec.fromMessage(contract, message)),
    prepare: (binding) => bounded(codec.prepare(binding)),
  };
}
