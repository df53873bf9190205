/**
 * The one module that talks to the Kafka client library (kafkajs).
 *
 * Everything else in sedano uses the small interfaces below, so the client can be swapped
 * (e.g. for @platformatic/kafka or librdkafka) by rewriting this file alone.
 *
 * The client decision (issue 12): kafkajs stays for now. Its idempotent producer allows one
 * request in flight, so sedano shares requests instead (produce-batcher.ts: one request per
 * turn of the event loop for every job's events and submissions) and the projector consumes
 * whole fetches (`handleBatch`). @platformatic/kafka 2.12.1 also allows one request in flight
 * on an idempotent producer; measured, it produces about 4x more messages per second in
 * requests of 500 (85-127k against 22-31k msg/s) and 1.3x with one message per request;
 * consuming 100,000 messages of 200 bytes from 6 partitions costs 1.2-1.5 µs of CPU a message
 * against kafkajs's 1.8-2.6 (a throwaway script, two alternated rounds). The profile of a 20,000
 * burst (README, Benchmark) puts kafkajs at about a fifth of the bench process's CPU, so the
 * swap (a consumer rewrite: streams, pause/resume, seek, rebalance events) would buy at most
 * about 10-15% there; it is a change of its own, kept only if measured better. The producer
 * alone on @platformatic/kafka (this file's `producer()` rewritten, its `compatibilityPartitioner`:
 * its default one takes `murmur2 >>> 0`, not Java's `& 0x7fffffff`, and would move keys to other
 * partitions) did not pay: three alternated 20,000 bursts used 5.4-5.6 s of the bench process's
 * CPU against kafkajs's 5.1-5.2, at no better throughput (whole-process CPU, start-up included).
 * kafkajs's partitioner, its costliest part per produced message, is replaced here
 * (kafka-partitioner.ts); its grouping of a request's messages by partition still copies a list
 * per message.
 */
import kafkajs from 'kafkajs';
import type { Admin, Consumer, IHeaders, KafkaMessage, LogEntry, Message, Producer } from 'kafkajs';
import type { TopicDescription } from '../../topology/topics.ts';
import { createDefaultPartitioner } from './kafka-partitioner.ts';
import { type KafkaSecurity, kafkaJsSecurity, PLAINTEXT } from './kafka-security.ts';
import { type IntervalCommits, startIntervalCommits } from './interval-commits.ts';
import { createRenewingProducer, type ProducerConnection } from './renewing-producer.ts';
import { untilTopicsHaveLeaders, whileLeadersSettle } from './topic-leaders.ts';

// kafkajs is CommonJS and its enums are not visible as ESM named exports.
const { Kafka, logLevel: KafkaLogLevel, ConfigResourceTypes, ConfigSource } = kafkajs;

/** A topic as declared in topology/ or as read back from the cluster. */
export type { TopicDescription };

/** A message to produce. Keys and values are bytes (or a string key). */
export interface OutgoingMessage {
  key: string | Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
}

/** A consumed message, as the rest of sedano sees it. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Offset as a decimal string: Kafka offsets are 64-bit. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  /** Producer or log-append time, milliseconds since the epoch. */
  timestampMs: number;
}

export interface KafkaAdmin {
  /** Number of brokers answering and the id of the active controller. */
  describeCluster(): Promise<{ brokerCount: number; controllerId: number | null }>;
  listTopics(): Promise<string[]>;
  /** Live description of each named topic that exists; missing topics are absent from the map. */
  describeTopics(names: readonly string[]): Promise<Map<string, TopicDescription>>;
  createTopics(topics: readonly TopicDescription[]): Promise<void>;
  /**
   * Replaces the topic's whole set of topic-level configs with `configs`.
   * Kafka's (non-incremental) AlterConfigs resets every config that is not named.
   */
  replaceTopicConfigs(name: string, configs: Record<string, string>): Promise<void>;
  /** Grows a topic to `count` partitions (Kafka cannot shrink a topic). */
  increasePartitions(name: string, count: number): Promise<void>;
  deleteTopics(names: readonly string[]): Promise<void>;
  /** Each partition's first offset and end offset (the high watermark), as decimal strings. */
  fetchTopicOffsets(name: string): Promise<{ partition: number; low: string; high: string }[]>;
  /** A consumer group's state (e.g. `Stable`, `Empty`, `Dead` for none) and its members. */
  describeGroup(groupId: string): Promise<ConsumerGroupDescription>;
  /** The group's committed offset of each partition of these topics; `-1` where it has none. */
  fetchGroupOffsets(groupId: string, topics: readonly string[]): Promise<PartitionOffset[]>;
  /** The ids of every consumer group the cluster knows. */
  listGroups(): Promise<string[]>;
  /** Deletes consumer groups that have no members (e.g. a command's throwaway reader group). */
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A consumer group as the broker describes it. */
export interface ConsumerGroupDescription {
  groupId: string;
  state: string;
  members: { memberId: string; clientId: string; host: string }[];
}

export interface KafkaProducer {
  /**
   * Produces with acks from all in-sync replicas; resolves once the broker has them. Sends go
   * one at a time (renewing-producer.ts). A send that fails may still have put some of its
   * messages on the topic: sent again, they are there twice (at-least-once).
   */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /**
   * Produces to several topics in one request (as `send`, each topic's messages in order).
   * Optional, so wrappers of a producer need not have it: callers fall back to one `send` per topic.
   */
  sendMany?(batches: readonly { topic: string; messages: readonly OutgoingMessage[] }[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumeOptions {
  topics: readonly string[];
  /** Where a group with no committed offset starts: the oldest message (true) or new ones only. */
  fromBeginning: boolean;
  /**
   * Handles one message. `heartbeat` keeps the group membership alive while a call waits
   * (a call that blocks longer than the session timeout without it loses the partitions).
   */
  handle?: (message: IncomingMessage, heartbeat: () => Promise<void>) => Promise<void> | void;
  /**
   * Handles the messages of one fetch of one partition, in offset order, instead of `handle`
   * (one of the two is given). Without manualCommit, the whole batch is committed once it
   * resolves; when it throws, the batch is fetched again.
   */
  handleBatch?: (messages: IncomingMessage[], heartbeat: () => Promise<void>) => Promise<void>;
  /**
   * When true, nothing is committed unless `commit` is called (the stage runtime commits
   * only up to the lowest unfinished message). Default false: each handled message is committed
   * (once its partition's batch is handled, or with the next `commitIntervalMs` commit).
   */
  manualCommit?: boolean;
  /**
   * Without manualCommit: commit what was handled every `commitIntervalMs`, in the background
   * (interval-commits.ts), rather than after each partition's batch while the next one waits.
   * For consumers that may handle a message twice: a crash hands up to this much over again.
   */
  commitIntervalMs?: number;
  /** How many partitions `handle` may be called for at the same time (default 1). */
  partitionsConcurrently?: number;
}

/** A topic, or one partition of it. */
export interface PartitionTarget {
  topic: string;
  partition?: number;
}

/** The offset of the next message to read in a partition: what a commit stores. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface KafkaConsumer {
  /** Subscribes and starts consuming in the background; resolves once the loop runs. */
  consume(options: ConsumeOptions): Promise<void>;
  /** Commits these offsets for the group (with manualCommit). */
  commit(offsets: readonly PartitionOffset[]): Promise<void>;
  /**
   * Stops fetching from these topics while the group membership (and its heartbeats) goes on;
   * messages fetched but not handled yet are fetched again after `resume`. Between a crash
   * kafkajs restarts from and the next join, pause, resume and seek do nothing: the member that
   * joins again has no partition paused and starts at the committed offsets.
   */
  pause(targets: readonly PartitionTarget[]): void;
  resume(targets: readonly PartitionTarget[]): void;
  /** Makes the next fetch of a partition start at `offset` (e.g. to read a message again later). */
  seek(target: PartitionOffset): void;
  /** Calls `listener` with the partitions this member owns, after every rebalance. */
  onAssignment(listener: (assignment: Record<string, number[]>) => void): void;
  /** Calls `listener` with the member id the group coordinator gave this consumer, at every join. */
  onJoin?(listener: (memberId: string) => void): void;
  /** Stops fetching and waits for the `handle` calls in progress; the group is left by `close`. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Where the client's own log lines go (kafkajs's, and this module's). */
export type KafkaLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: object) => void;

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  /** SASL and TLS for a secured cluster (kafka-security.ts); default plaintext. */
  security?: KafkaSecurity;
  /** Where kafkajs's own log lines (and this module's) go; default: warnings and errors to stderr. */
  log?: KafkaLog;
  /**
   * Told when one of the client's consumers stopped for good: kafkajs restarts a crashed
   * consumer only after an error it deems retriable, and after any other (a session timeout the
   * broker refuses, an authorization failure) leaves it stopped while the process lives on.
   * The service kit ends the process then, for its supervisor to start it again.
   */
  onConsumerStopped?: (error: Error, groupId: string) => void;
}

export interface KafkaClient {
  admin(): Promise<KafkaAdmin>;
  producer(): Promise<KafkaProducer>;
  /**
   * Removes a member from a consumer group at once (a LeaveGroup sent on its behalf), as if it
   * had left: resolves false when the coordinator no longer knows it. For a worker restarted
   * after a crash, whose former self would otherwise hold its partitions until its session
   * expires (kafkajs has no static membership, `group.instance.id`).
   */
  removeGroupMember?(groupId: string, memberId: string): Promise<boolean>;
  consumer(groupId: string, options?: ConsumerOptions): Promise<KafkaConsumer>;
}

export interface ConsumerOptions {
  /**
   * How long the broker waits without heartbeats before it gives this member's partitions to
   * others, in milliseconds (default 6 s, the broker's default minimum). It bounds how soon a
   * crashed member's partitions move: a noop worker SIGKILLed and restarted ran jobs again
   * after 32.0 s with 30 s, after 8.1-9.0 s with 6 s (`npm run bench -- recovery`). kafkajs has
   * no static membership (`group.instance.id`), which would let a restarted member take its
   * partitions back at once.
   */
  sessionTimeoutMs?: number;
  /**
   * Longest wait of a fetch for new messages, in milliseconds (default 500, the Java client's).
   */
  maxWaitTimeMs?: number;
  /**
   * The fetch wait while any of the member's partitions is paused, in milliseconds (default
   * `maxWaitTimeMs`; sedano's kafkajs patch). A resumed partition joins only the next fetch, so
   * this bounds how soon it is read again; a consumer that pauses often (a busy stage) sets it
   * low, and still long-polls for `maxWaitTimeMs` at rest.
   */
  pausedMaxWaitTimeMs?: number;
  /**
   * Most bytes a fetch returns per partition (default 1 MiB, kafkajs's); at least one record
   * batch is always returned. A consumer that takes in what it fetched ahead of its work (a
   * stage) bounds how much it holds with it.
   */
  maxBytesPerPartition?: number;
}

function defaultLog(level: string, message: string, extra: object): void {
  process.stderr.write(`${JSON.stringify({ level, logger: 'kafkajs', message, ...extra })}\n`);
}

/** Creates a client for the given brokers. Connections open when a role is asked for. */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const log = options.log ?? defaultLog;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...kafkaJsSecurity(options.security ?? PLAINTEXT),
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        const name = level <= KafkaLogLevel.ERROR ? 'error' : level === KafkaLogLevel.WARN ? 'warn' : 'info';
        log(name, message, extra);
      },
  });
  return {
    admin: async () => wrapAdmin(await connected(kafka.admin())),
    removeGroupMember: (groupId, memberId) => removeGroupMember(kafka, groupId, memberId),
    producer: async () => {
      const open = async () =>
        wrapProducer(
          await connected(
            kafka.producer({
              idempotent: true,
              // kafkajs's DefaultPartitioner rule without its 64-bit Long arithmetic (kafka-partitioner.ts).
              createPartitioner: () => {
                const partitionOf = createDefaultPartitioner();
                return ({ topic, partitionMetadata, message }) => partitionOf(topic, partitionMetadata, message);
              },
            }),
          ),
        );
      // A failed send leaves kafkajs's batch numbers wrong for the broker (renewing-producer.ts).
      return createRenewingProducer({
        open,
        first: await open(),
        onRenew: (error) => log('warn', 'a send failed: the next send opens a new producer', { error: String(error) }),
      });
    },
    // The broker's long-poll wait also bounds how long a disconnect waits for the fetch in
    // flight: kafkajs's default of 5 s is too long for that.
    consumer: async (groupId, consumerOptions = {}) => {
      const sessionTimeout = consumerOptions.sessionTimeoutMs ?? 6_000;
      return wrapConsumer(
        await connected(
          kafka.consumer({
            groupId,
            maxWaitTimeInMs: consumerOptions.maxWaitTimeMs ?? 500,
            ...(consumerOptions.pausedMaxWaitTimeMs === undefined
              ? {}
              : { pausedMaxWaitTimeInMs: consumerOptions.pausedMaxWaitTimeMs }),
            ...(consumerOptions.maxBytesPerPartition === undefined
              ? {}
              : { maxBytesPerPartition: consumerOptions.maxBytesPerPartition }),
            sessionTimeout,
            // Three heartbeats per session, as Kafka recommends.
            heartbeatInterval: Math.floor(sessionTimeout / 3),
          }),
        ),
        log,
        options.onConsumerStopped,
      );
    },
  };
}

/** The parts of kafkajs's internal cluster that a LeaveGroup on another member's behalf needs. */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(options: { groupId: string }): Promise<{
    leaveGroup(options: { groupId: string; memberId: string }): Promise<unknown>;
  }>;
}

/**
 * kafkajs 2.2.4 has no public LeaveGroup for another member, so this uses the cluster factory
 * its client keeps under a private symbol (the admin client is built on the same): a new
 * cluster connection with the client's own settings, closed at the end.
 */
async function removeGroupMember(kafka: object, groupId: string, memberId: string): Promise<boolean> {
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (candidate) => candidate.description === 'private:Kafka:createCluster',
  );
  const createCluster = symbol && (kafka as Record<symbol, unknown>)[symbol];
  if (typeof createCluster !== 'function') throw new Error('this kafkajs has no cluster factory to remove a member');
  const cluster = (createCluster as (options: object) => InternalCluster)({});
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.leaveGroup({ groupId, memberId });
    return true;
  } catch (error) {
    if ((error as { type?: string }).type === 'UNKNOWN_MEMBER_ID') return false;
    throw error;
  } finally {
    await cluster.disconnect();
  }
}

async function connected<T extends { connect(): Promise<void> }>(role: T): Promise<T> {
  await role.connect();
  return role;
}

function wrapAdmin(admin: Admin): KafkaAdmin {
  return {
    async describeCluster() {
      const cluster = await admin.describeCluster();
      return { brokerCount: cluster.brokers.length, controllerId: cluster.controller };
    },
    listTopics: () => admin.listTopics(),
    async describeTopics(names) {
      const existing = new Set(await admin.listTopics());
      const wanted = names.filter((name) => existing.has(name));
      const result = new Map<string, TopicDescription>();
      if (wanted.length === 0) return result;
      const metadata = await admin.fetchTopicMetadata({ topics: wanted });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: wanted.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      });
      for (const topic of metadata.topics) {
        const resource = configs.resources.find((r) => r.resourceName === topic.name);
        // Only configs set on the topic itself: broker-wide settings also read as non-default.
        const set = (resource?.configEntries ?? []).filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG);
        result.set(topic.name, {
          name: topic.name,
          partitions: topic.partitions.length,
          replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
          configs: Object.fromEntries(set.map((entry) => [entry.configName, entry.configValue])),
        });
      }
      return result;
    },
    async createTopics(topics) {
      // Not kafkajs's wait for leaders, which fails on a broker not caught up yet (topic-leaders.ts).
      await admin.createTopics({
        waitForLeaders: false,
        topics: topics.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      const names = topics.map((topic) => topic.name);
      await untilTopicsHaveLeaders(names, () => admin.fetchTopicMetadata({ topics: names }));
    },
    async replaceTopicConfigs(name, configs) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name,
            configEntries: Object.entries(configs).map(([configName, value]) => ({ name: configName, value })),
          },
        ],
      });
    },
    async increasePartitions(name, count) {
      await admin.createPartitions({ topicPartitions: [{ topic: name, count }] });
    },
    async deleteTopics(names) {
      if (names.length > 0) await admin.deleteTopics({ topics: [...names] });
    },
    async fetchTopicOffsets(name) {
      const offsets = await whileLeadersSettle(() => admin.fetchTopicOffsets(name));
      return offsets.map(({ partition, low, high }) => ({ partition, low, high }));
    },
    async describeGroup(groupId) {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      return {
        groupId,
        state: group?.state ?? 'Dead',
        members: (group?.members ?? []).map(({ memberId, clientId, clientHost }) => ({
          memberId,
          clientId,
          host: clientHost,
        })),
      };
    },
    async fetchGroupOffsets(groupId, topics) {
      if (topics.length === 0) return [];
      const offsets = await admin.fetchOffsets({ groupId, topics: [...topics] });
      return offsets.flatMap(({ topic, partitions }) =>
        partitions.map(({ partition, offset }) => ({ topic, partition, offset })),
      );
    },
    async listGroups() {
      return (await admin.listGroups()).groups.map(({ groupId }) => groupId);
    },
    async deleteGroups(groupIds) {
      if (groupIds.length > 0) await admin.deleteGroups([...groupIds]);
    },
    close: () => admin.disconnect(),
  };
}

function outgoing(messages: readonly OutgoingMessage[]): Message[] {
  return messages.map((message) => ({
    key: message.key,
    value: message.value,
    headers: message.headers,
    partition: message.partition,
  }));
}

function wrapProducer(producer: Producer): ProducerConnection<OutgoingMessage> {
  return {
    async send(topic, messages) {
      await producer.send({ topic, acks: -1, messages: outgoing(messages) });
    },
    async sendMany(batches) {
      if (batches.length === 0) return;
      await producer.sendBatch({
        acks: -1,
        topicMessages: batches.map(({ topic, messages }) => ({ topic, messages: outgoing(messages) })),
      });
    },
    close: () => producer.disconnect(),
  };
}

function toHeaders(headers: IHeaders | undefined): Record<string, Buffer> {
  const result: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // A header may repeat; sedano's headers do not, so the last value wins.
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) result[name] = Buffer.isBuffer(last) ? last : Buffer.from(last);
  }
  return result;
}

function incoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: toHeaders(message.headers),
    timestampMs: Number(message.timestamp),
  };
}

function partitionTarget({ topic, partition }: PartitionTarget): { topic: string; partitions?: number[] } {
  return partition === undefined ? { topic } : { topic, partitions: [partition] };
}

function wrapConsumer(
  consumer: Consumer,
  log: KafkaLog,
  onStopped: KafkaClientOptions['onConsumerStopped'],
): KafkaConsumer {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) onStopped?.(payload.error, payload.groupId);
  });
  // kafkajs restarts a crashed consumer (a broker restart, say) with a new group object, after a
  // wait in which pause, resume and seek throw "Consumer group was not initialized" (once out of
  // a job's end in CI). They have nothing to act on until the group is joined again: the new
  // member starts with no partition paused, at the committed offsets. So they are skipped then.
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  consumer.on(consumer.events.STOP, () => (joined = false));
  // With `commitIntervalMs`: the handled offsets, committed in the background (interval-commits.ts).
  let commits: IntervalCommits | undefined;
  let closing = false;
  // Returns a promise only when the caller must wait for it: a batch that ends while the
  // consumer closes commits itself (kafkajs waits for that batch, then leaves the group, after
  // which nothing can be committed).
  const handled = (topic: string, partition: number, lastOffset: string): Promise<void> | undefined => {
    if (commits === undefined) return undefined;
    commits.handled(topic, partition, (BigInt(lastOffset) + 1n).toString());
    return closing ? commits.flush() : undefined;
  };
  const flushCommits = async () => {
    closing = true;
    commits?.stop();
    await commits?.flush();
  };
  return {
    async consume(options) {
      const { topics, fromBeginning, handle, handleBatch, manualCommit = false, partitionsConcurrently = 1 } = options;
      if ((handle === undefined) === (handleBatch === undefined)) {
        throw new TypeError('consume: give exactly one of handle and handleBatch');
      }
      if (options.commitIntervalMs !== undefined && !manualCommit) {
        const started = startIntervalCommits((offsets) => consumer.commitOffsets(offsets), {
          intervalMs: options.commitIntervalMs,
          onError: (error) =>
            log('warn', 'offset commit failed; what was handled since the last one may be handled again', {
              error: error instanceof Error ? error.message : String(error),
            }),
        });
        consumer.on(consumer.events.GROUP_JOIN, (event) => started.assigned(event.payload.memberAssignment));
        commits = started;
      }
      await consumer.subscribe({ topics: [...topics], fromBeginning });
      const common = {
        autoCommit: !manualCommit && commits === undefined,
        partitionsConsumedConcurrently: partitionsConcurrently,
      };
      if (handleBatch !== undefined) {
        await consumer.run({
          ...common,
          // Resolved (and so committed) only when the handler returns: a failure fetches it all again.
          eachBatchAutoResolve: true,
          eachBatch: async (payload) => {
            const { topic, partition, messages } = payload.batch;
            if (messages.length === 0) return;
            await handleBatch(
              messages.map((message) => incoming(topic, partition, message)),
              () => payload.heartbeat(),
            );
            const committing = handled(topic, partition, payload.batch.lastOffset());
            if (committing !== undefined) await committing;
          },
        });
        return;
      }
      await consumer.run({
        ...common,
        eachMessage: async (payload) => {
          const { topic, partition, message } = payload;
          await handle!(incoming(topic, partition, message), () => payload.heartbeat());
          const committing = handled(topic, partition, message.offset);
          if (committing !== undefined) await committing;
        },
      });
    },
    async commit(offsets) {
      if (offsets.length > 0) await consumer.commitOffsets(offsets.map((offset) => ({ ...offset })));
    },
    // kafkajs 2.2.4 never resumes a partition paused before its first fetch (tulios/kafkajs#1599),
    // so sedano pauses single partitions it has read from, and gates lanes without pausing.
    pause: (targets) => {
      if (joined) consumer.pause(targets.map(partitionTarget));
    },
    resume: (targets) => {
      if (joined) consumer.resume(targets.map(partitionTarget));
    },
    seek: (target) => {
      if (joined) consumer.seek({ ...target });
    },
    onAssignment(listener) {
      consumer.on(consumer.events.GROUP_JOIN, (event) => listener(event.payload.memberAssignment));
    },
    onJoin(listener) {
      consumer.on(consumer.events.GROUP_JOIN, (event) => listener(event.payload.memberId));
    },
    async stop() {
      await flushCommits();
      await consumer.stop();
    },
    async close() {
      await flushCommits();
      await consumer.disconnect();
    },
  };
}
