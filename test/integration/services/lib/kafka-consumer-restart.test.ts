/**
 * kafkajs restarts a consumer that crashed on an error it deems retriable (a broker restart,
 * retries spent): it drops its group object and builds a new one after a wait. A pause, resume
 * or seek in between (a job ends, a retry falls due) must not throw: in CI a broker restart
 * once threw kafkajs's "Consumer group was not initialized" out of the admission gate.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKafkaClient } from '../../../../services/lib/kafka.ts';
import { kafkaConnection } from '../../../../services/lib/kafka-connection.ts';
import { createTestTopic, kafkaAdmin, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';

/**
 * An error kafkajs does not retry (`retriable: false`) whose cause it deems retriable: its
 * runner crashes the consumer at once and restarts it after its initial retry time (300 ms),
 * as it does after a broker restart once its retries (about 10 s) are spent.
 */
function crashThatRestarts(): Error {
  const cause = Object.assign(new Error('the broker went away'), { retriable: true });
  return Object.assign(new Error('the handler fails until the consumer restarts', { cause }), { retriable: false });
}

test('pause, resume and seek while kafkajs restarts a crashed consumer neither throw nor lose the message', async (t) => {
  const admin = await kafkaAdmin(t);
  const topic = await createTestTopic(t, admin, { prefix: 'consumer-restart' });
  const groupId = uniqueName('consumer-restart-group');
  onCleanup(t, () => admin.deleteGroups([groupId]).catch(() => {}));
  let restarts = 0;
  const kafka = createKafkaClient({
    ...kafkaConnection(process.env),
    clientId: uniqueName('sedano-test'),
    log: (_level, message) => {
      if (message.startsWith('Restarting the consumer')) restarts += 1;
    },
  });
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  await producer.send(topic.name, [{ key: 'job', value: Buffer.from('the job') }]);

  const consumer = await kafka.consumer(groupId);
  onCleanup(t, () => consumer.close());
  const received: string[] = [];
  await consumer.consume({
    topics: [topic.name],
    fromBeginning: true,
    manualCommit: true,
    handle: async (message) => {
      if (restarts === 0) throw crashThatRestarts();
      received.push(message.value?.toString() ?? '');
    },
  });

  // What the admission gate and the retry forwarder do at any moment, the restart's wait included.
  const target = { topic: topic.name, partition: 0 };
  const thrown: unknown[] = [];
  const calls = setInterval(() => {
    try {
      consumer.pause([target]);
      consumer.seek({ ...target, offset: '0' });
      consumer.resume([target]);
    } catch (error) {
      thrown.push(error);
    }
  }, 5);
  onCleanup(t, () => clearInterval(calls));

  await waitFor(() => received.length > 0 || undefined, {
    description: 'the message, delivered again after the restart',
    timeoutMs: 60_000,
  });
  clearInterval(calls);
  assert.equal(restarts, 1);
  assert.equal(received[0], 'the job');
  assert.deepEqual(thrown, []);
});
