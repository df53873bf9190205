/**
 * The broker refuses a partition's record batch over its topic's `max.message.bytes`, and
 * kafkajs sends what one request holds as one batch per partition: the produce batcher splits a
 * flush that adds up to more, or a few large results finishing together fail each other's jobs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProduceBatcher } from '../../../../services/lib/produce-batcher.ts';
import { JOB_MAX_MESSAGE_BYTES } from '../../../../topology/topics.ts';
import { collectMessages, createTestTopic, kafkaAdmin, kafkaClient, onCleanup } from '../../../support/resources.ts';

test('large messages queued together reach a 1 MiB topic, split into requests its record batches fit', async (t) => {
  const admin = await kafkaAdmin(t);
  const topic = await createTestTopic(t, admin, {
    prefix: 'produce-batcher-bytes',
    configs: { 'max.message.bytes': String(JOB_MAX_MESSAGE_BYTES) },
  });
  const large = (name: string) => ({ key: name, value: Buffer.alloc(600_000, name) });

  // The premise: one request with the three is refused for the partition.
  const alone = await kafkaClient().producer();
  onCleanup(t, () => alone.close());
  await assert.rejects(alone.send(topic.name, [large('a'), large('b'), large('c')]), /too large|larger than/i);

  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  const batcher = createProduceBatcher(producer);
  await Promise.all(['a', 'b', 'c'].map((name) => batcher.send(topic.name, [large(name)])));
  const read = await collectMessages(t, [topic.name]);
  const messages = await read.until((messages) => messages.length >= 3, 'the three messages');
  assert.deepEqual(
    messages.map((message) => [String(message.key), message.value?.length]),
    [
      ['a', 600_000],
      ['b', 600_000],
      ['c', 600_000],
    ],
  );
});
