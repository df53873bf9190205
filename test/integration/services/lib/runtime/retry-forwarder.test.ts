/**
 * The retry forwarder on a real broker: a message due much later than its delay topic's hold
 * (a job delayed for an hour on the 5 s tier, or a retry with a long backoff) does not hold the
 * due messages behind it; it goes back to the tail of its topic, and goes on waiting there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { DUE_AT_HEADER, RETURN_TOPIC_HEADER } from '../../../../../services/lib/runtime/headers.ts';
import { startRetryForwarder } from '../../../../../services/lib/runtime/retry-forwarder.ts';
import {
  collectMessages,
  createTestTopic,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  uniqueName,
} from '../../../../support/resources.ts';

test('a head due long after its hold goes back to the tail; the due message behind it is forwarded', async (t) => {
  const admin = await kafkaAdmin(t);
  const delay = (await createTestTopic(t, admin, { prefix: 'test-delay' })).name;
  const lane = (await createTestTopic(t, admin, { prefix: 'test-lane' })).name;
  const kafka = kafkaClient();
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  const holdMs = 1_000;
  const message = (key: string, dueAt: number) => ({
    key,
    value: Buffer.from(key),
    headers: { [DUE_AT_HEADER]: String(dueAt), [RETURN_TOPIC_HEADER]: lane },
  });
  // One partition: the message due in an hour is the head, the one due now waits behind it.
  await producer.send(delay, [message('in-an-hour', Date.now() + 3_600_000), message('due-now', Date.now())]);

  const collected = await collectMessages(t, [delay, lane]);
  const forwarder = await startRetryForwarder({
    consumer: await kafka.consumer(uniqueName('test-forwarder')),
    producer,
    retryTopics: [{ topic: delay, holdMs }],
    logger: pino({ level: 'silent' }),
  });
  onCleanup(t, () => forwarder.close());

  const keysOn = (topic: string) =>
    collected.messages.filter((m) => m.topic === topic).map((m) => m.key?.toString() ?? '');
  await collected.until(
    () => keysOn(lane).includes('due-now') && keysOn(delay).filter((key) => key === 'in-an-hour').length >= 2,
    'the due message forwarded, the late head requeued',
    30_000,
  );
  assert.deepEqual(keysOn(lane), ['due-now'], 'only the due message reached the lane');
  const forwarded = collected.messages.find((m) => m.topic === lane)!;
  assert.equal(forwarded.headers[DUE_AT_HEADER], undefined, 'the lane copy carries no delay headers');
  const requeued = collected.messages.filter((m) => m.topic === delay && m.key?.toString() === 'in-an-hour');
  assert.equal(
    requeued[1]?.headers[DUE_AT_HEADER]?.toString(),
    requeued[0]?.headers[DUE_AT_HEADER]?.toString(),
    'requeued with its due time',
  );
  // It went back once its hold was over, not before (both copies stamped by this process's producer).
  assert.ok(requeued[1]!.timestampMs - requeued[0]!.timestampMs >= holdMs - 50);
});
