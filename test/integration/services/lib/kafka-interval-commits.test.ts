/**
 * `commitIntervalMs` (kafka.ts, interval-commits.ts) on the real broker: what a consumer handled
 * is committed in the background at the interval, not after each batch, and closing the
 * consumer commits what it handled last, so the next member starts right after it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestTopic, kafkaAdmin, kafkaClient, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';

const PARTITIONS = 3;
const MESSAGES = 30;

/** A topic of PARTITIONS partitions holding MESSAGES messages, its end offsets, and a consumer of a new group. */
async function filledTopic(t: test.TestContext) {
  const admin = await kafkaAdmin(t);
  const topic = await createTestTopic(t, admin, { prefix: 'interval-commits', partitions: PARTITIONS });
  const kafka = kafkaClient();
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  await producer.send(
    topic.name,
    Array.from({ length: MESSAGES }, (_, i) => ({ key: `job-${i}`, value: Buffer.from(String(i)) })),
  );
  const ends = (await admin.fetchTopicOffsets(topic.name)).sort((a, b) => a.partition - b.partition);
  const groupId = uniqueName('interval-commits-group');
  onCleanup(t, () => admin.deleteGroups([groupId]).catch(() => {}));
  const consumer = await kafka.consumer(groupId);
  onCleanup(t, () => consumer.close());
  return {
    topic: topic.name,
    consumer,
    ends: ends.map(({ high }) => high),
    committed: async () => {
      const offsets = await admin.fetchGroupOffsets(groupId, [topic.name]);
      return offsets.sort((a, b) => a.partition - b.partition).map(({ offset }) => offset);
    },
  };
}

test('handled batches are committed at the interval, not after each batch, and a close commits the last ones', async (t) => {
  const { topic, consumer, ends, committed } = await filledTopic(t);
  let handled = 0;
  await consumer.consume({
    topics: [topic],
    fromBeginning: true,
    // Longer than the test: only the close commits.
    commitIntervalMs: 600_000,
    handleBatch: async (messages) => void (handled += messages.length),
  });
  await waitFor(() => handled === MESSAGES, { description: 'every message handled', timeoutMs: 30_000 });
  assert.deepEqual(await committed(), Array(PARTITIONS).fill('-1'), 'nothing committed yet');
  await consumer.close();
  assert.deepEqual(await committed(), ends);
});

test('with a short interval, the handled offsets reach the group while it runs', async (t) => {
  const { topic, consumer, ends, committed } = await filledTopic(t);
  await consumer.consume({ topics: [topic], fromBeginning: true, commitIntervalMs: 100, handle: async () => {} });
  await waitFor(async () => JSON.stringify(await committed()) === JSON.stringify(ends), {
    description: `committed offsets at ${ends.join(', ')}`,
    timeoutMs: 30_000,
  });
});
