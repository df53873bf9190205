/**
 * The broker goes away for about as long as the producer retries a send: the sends in flight
 * fail, every send acknowledged before or after is on the topic, and a consumer group member
 * reading the topic through the outage reads on (it is not stopped for good) and reads them all.
 * Unfixed, kafkajs's producer kept batch numbers the broker had already taken
 * (renewing-producer.ts), and the next batch to that partition was acknowledged and dropped: this
 * test failed 3 of 5 runs so (one acknowledged message missing each time), and passed 3 of 3 with
 * the fix. It cannot fail every time: a send must run out of retries just as the broker takes
 * part of its request. The deterministic case is
 * test/integration/services/lib/kafka-producer-failed-send.test.ts; the consumer's (a coordinator
 * lookup no broker answered) is in test/unit/services/lib/kafkajs-patch.test.ts.
 * The broker can only be stopped when it is the local stack's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { externalComponents } from '../../../services/lib/endpoints.ts';
import { stackDown, stackUp } from '../../../scripts/local-stack/stack.ts';
import { createKafkaClient, type IncomingMessage } from '../../../services/lib/kafka.ts';
import { kafkaConnection } from '../../../services/lib/kafka-connection.ts';
import {
  collectMessages,
  createTestTopic,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  uniqueName,
} from '../../support/resources.ts';
import { waitFor } from '../../support/wait.ts';

const SENDERS = 4;
const PARTITIONS = 6;
const OUTAGE_MS = 10_000;
const localBroker = !externalComponents(process.env).has('kafka');

test(
  'a broker away longer than the retries of a send loses no acknowledged message, and its consumers read on',
  {
    timeout: 300_000,
    skip: localBroker ? false : 'KAFKA_BROKERS points at a broker this test cannot stop',
  },
  async (t) => {
    const admin = await kafkaAdmin(t);
    const topic = await createTestTopic(t, admin, { prefix: 'broker-outage', partitions: PARTITIONS });
    const producer = await kafkaClient().producer();
    onCleanup(t, () => producer.close());
    // A consumer group member reads the topic through the outage, as every service's consumers do.
    const stoppedForGood: string[] = [];
    const groupId = uniqueName('broker-outage-reader');
    const reader = await createKafkaClient({
      ...kafkaConnection(process.env),
      clientId: uniqueName('sedano-test'),
      log: () => {},
      onConsumerStopped: (error) => stoppedForGood.push(`${error.name}: ${error.message}`),
    }).consumer(groupId);
    onCleanup(t, () => admin.deleteGroups([groupId]).catch(() => {}));
    onCleanup(t, () => reader.close());
    const read: IncomingMessage[] = [];
    await reader.consume({ topics: [topic.name], fromBeginning: true, handle: (message) => void read.push(message) });

    // Several senders at once, batches of one to three messages to any partition: the shapes
    // the stages' status events, retries and dead letters have.
    const acknowledged = new Set<string>();
    // When each value was acknowledged and where it went, to say where a lost one was in the fault.
    const sent = new Map<string, { partition: number; acknowledgedAt?: number }>();
    let stoppedAt = 0;
    const failures: string[] = [];
    const sendsSinceRestart = new Array<number>(SENDERS).fill(0);
    let restarted = false;
    let sending = true;
    let next = 0;
    const sender = async (index: number) => {
      while (sending) {
        const values = Array.from({ length: 1 + (next % 3) }, () => String(next++));
        const messages = values.map((value) => ({
          key: null,
          value: Buffer.from(value),
          partition: Math.floor(Math.random() * PARTITIONS),
        }));
        messages.forEach(({ partition }, at) => sent.set(values[at]!, { partition }));
        try {
          await producer.send(topic.name, messages);
          for (const value of values) {
            acknowledged.add(value);
            sent.get(value)!.acknowledgedAt = Date.now();
          }
          if (restarted) sendsSinceRestart[index]! += 1;
        } catch (error) {
          failures.push((error as Error).message);
          // The broker is away: each sender tries again at a person's pace, not in a tight loop.
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    const senders = Array.from({ length: SENDERS }, (_, index) => sender(index));
    onCleanup(t, async () => {
      sending = false;
      await Promise.all(senders);
    });

    await waitFor(() => acknowledged.size >= 1000, { description: 'a thousand messages acknowledged' });
    stoppedAt = Date.now();
    await stackDown({ only: ['kafka'], log: () => {} });
    // The fault's shape, not a wait for a condition: the broker stays away about as long as
    // kafkajs retries a send, so sends run out of retries while it stops and starts again.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await stackUp({ log: () => {} });
    const restartedAt = Date.now();
    restarted = true;
    await waitFor(() => sendsSinceRestart.every((count) => count >= 200), {
      description: '200 acknowledged sends of each sender after the restart',
      timeoutMs: 120_000,
    });
    sending = false;
    await Promise.all(senders);

    // Every send has settled: the topic's end offsets say how much the reader has to read. Each
    // value was sent once (a failed send's are not sent again), so the topic holds `held` distinct
    // values; the reader counts distinct ones, as it may read some twice after rejoining its group.
    const held = (await admin.fetchTopicOffsets(topic.name)).reduce((sum, { high }) => sum + Number(high), 0);
    const distinct = (messages: readonly IncomingMessage[]) =>
      new Set(messages.map((message) => message.value?.toString('utf8')));
    await waitFor(() => stoppedForGood.length > 0 || distinct(read).size >= held, {
      description: `the reader at the ${held} messages on the topic`,
      timeoutMs: 120_000,
    });
    assert.deepEqual(stoppedForGood, [], 'the reader stopped for good');
    const onTopic = distinct(read);
    const lost = [...acknowledged].filter((value) => !onTopic.has(value));
    t.diagnostic(
      `${acknowledged.size} acknowledged, ${held} on the topic, ${read.length} read (${read.length - onTopic.size} twice), ` +
        `${failures.length} failed sends: ` +
        [...new Set(failures)].join('; '),
    );
    if (lost.length > 0) {
      // The reader may have skipped them rather than the broker dropped them: a new reader says which.
      const again = await collectMessages(t, [topic.name]);
      const onTopicAgain = distinct(
        await again.until((messages) => distinct(messages).size >= held, `a new reader at the ${held} messages`),
      );
      const where = lost.map((value) => {
        const { partition, acknowledgedAt = 0 } = sent.get(value)!;
        return (
          `${value} (partition ${partition}, acknowledged ${acknowledgedAt - stoppedAt} ms after the stop, ` +
          `${acknowledgedAt - restartedAt} ms after the restart, ${onTopicAgain.has(value) ? 'on' : 'not on'} the topic)`
        );
      });
      t.diagnostic(`lost: ${where.join('; ')}`);
    }
    assert.deepEqual(lost, [], 'acknowledged messages missing from the reader');
    assert.deepEqual(
      failures.filter((message) => /sequence number/.test(message)),
      [],
      'sends refused for their batch numbers',
    );
  },
);
