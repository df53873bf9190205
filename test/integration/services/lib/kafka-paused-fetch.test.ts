/**
 * The fetch wait while a partition is paused (kafka.ts `pausedMaxWaitTimeMs`, sedano's kafkajs
 * patch): a partition resumed while the consumer long-polls its other partitions is read again
 * within that wait, not after the whole `maxWaitTimeMs` (a stage's admission gate pauses and
 * resumes its partitions this way all through a burst).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestTopic, kafkaAdmin, kafkaClient, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';

/** Long enough that a fetch held for it would fail the test by far. */
const MAX_WAIT_MS = 6_000;

test('a partition resumed while the consumer long-polls the others is read within the paused wait', async (t) => {
  const admin = await kafkaAdmin(t);
  const busy = await createTestTopic(t, admin, { prefix: 'paused-fetch-busy' });
  // Never written: a fetch of it alone waits on the broker for as long as the consumer allows.
  const quiet = await createTestTopic(t, admin, { prefix: 'paused-fetch-quiet' });
  const groupId = uniqueName('paused-fetch-group');
  onCleanup(t, () => admin.deleteGroups([groupId]).catch(() => {}));
  const kafka = kafkaClient();
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  const consumer = await kafka.consumer(groupId, { maxWaitTimeMs: MAX_WAIT_MS, pausedMaxWaitTimeMs: 20 });
  onCleanup(t, () => consumer.close());

  await producer.send(busy.name, [{ key: 'job', value: Buffer.from('first') }]);
  const received: string[] = [];
  await consumer.consume({
    topics: [busy.name, quiet.name],
    fromBeginning: true,
    handle: async (message) => {
      received.push(message.value?.toString() ?? '');
      // As the admission gate does when the worker is full.
      if (received.length === 1) consumer.pause([{ topic: message.topic, partition: message.partition }]);
    },
  });
  await waitFor(() => received.length === 1 || undefined, { description: 'the first message', timeoutMs: 30_000 });

  // The consumer now fetches only the quiet topic; the second message waits for the resume.
  await producer.send(busy.name, [{ key: 'job', value: Buffer.from('second') }]);
  const resumedAt = performance.now();
  consumer.resume([{ topic: busy.name, partition: 0 }]);
  await waitFor(() => received.length === 2 || undefined, {
    description: 'the second message',
    timeoutMs: MAX_WAIT_MS * 2,
  });
  const elapsedMs = performance.now() - resumedAt;
  assert.deepEqual(received, ['first', 'second']);
  // Unpatched, the quiet topic's fetch in flight held the resumed partition back for MAX_WAIT_MS.
  assert.ok(elapsedMs < MAX_WAIT_MS / 4, `the resumed partition was read after ${elapsedMs.toFixed(0)} ms`);
});
