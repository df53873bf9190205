/**
 * A send that fails after the broker took part of it must not break the producer's later
 * sends. kafkajs's idempotent producer numbers each partition's batches; when a request fails
 * it winds every partition of the request back to the number it had, including a partition
 * the broker appended. Its next batch to that partition then reuses an appended range: the
 * broker drops it as a duplicate while acknowledging it (one message), or refuses it, and every
 * batch after it, as out of order (more). A broker restart that outlasts kafkajs's retries
 * fails a request the broker may have appended just the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestTopic, kafkaAdmin, kafkaClient, onCleanup, collectMessages } from '../../../support/resources.ts';

test('a send refused for one partition neither drops nor refuses the next sends to the partitions the broker took', async (t) => {
  const admin = await kafkaAdmin(t);
  // A batch over max.message.bytes is refused for its partition alone: the broker appends the
  // other partitions of the same request.
  const topic = await createTestTopic(t, admin, {
    prefix: 'producer-failed-send',
    partitions: 3,
    configs: { 'max.message.bytes': '2000' },
  });
  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  const message = (value: string | Buffer, partition: number) => ({
    key: null,
    value: Buffer.isBuffer(value) ? value : Buffer.from(value),
    partition,
  });

  await assert.rejects(
    producer.send(topic.name, [message('taken', 0), message(Buffer.alloc(4000, 'x'), 1), message('taken', 2)]),
    /too large|larger than/i,
  );
  // Unfixed, kafkajs acknowledged this one and the broker dropped it as a duplicate of 'taken'...
  await producer.send(topic.name, [message('one alone', 0)]);
  // ...and refused these two as out of order, as it would every later batch to partition 2.
  await producer.send(topic.name, [message('two', 2), message('together', 2)]);
  await producer.send(topic.name, [message('and later', 2)]);

  // Every send has resolved: what each partition holds is known, and read to its end.
  const held = (await admin.fetchTopicOffsets(topic.name)).reduce((sum, { high }) => sum + Number(high), 0);
  const read = await collectMessages(t, [topic.name]);
  const messages = await read.until((messages) => messages.length >= held, `the ${held} messages on the topic`);
  const valuesOf = (partition: number) =>
    messages.filter((message) => message.partition === partition).map((message) => message.value?.toString('utf8'));
  assert.deepEqual(valuesOf(0), ['taken', 'one alone']);
  assert.deepEqual(valuesOf(1), []);
  assert.deepEqual(valuesOf(2), ['taken', 'two', 'together', 'and later']);
});
