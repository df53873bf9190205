/**
 * patches/kafkajs+2.2.4.patch (applied by patch-package at install): an idle connection arms no
 * timer, a throttled one still checks its pending requests, and a produce request's messages are
 * grouped per partition as before, in order. (The patch's fetch wait while a partition is paused is
 * shown against the broker: test/integration/services/lib/kafka-paused-fetch.test.ts.)
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}
const RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js') as new (
  options: Record<string, unknown>,
) => RequestQueue;
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (options: {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key: string }[];
  partitioner: (options: { message: { key: string } }) => number;
}) => Record<string, { key: string }[]>;

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function requestQueue(): RequestQueue {
  return new RequestQueueClass({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });
}

test('an idle connection (nothing pending, not throttled) arms no timer after a check', (t) => {
  const queue = requestQueue();
  t.after(() => clearTimeout(queue.throttleCheckTimeoutId ?? undefined));
  queue.checkPendingRequests();
  assert.equal(queue.throttleCheckTimeoutId, null, 'unpatched kafkajs re-arms a 1 ms timer forever here');
});

test('a throttled connection still schedules the check of its pending requests', (t) => {
  const queue = requestQueue();
  t.after(() => clearTimeout(queue.throttleCheckTimeoutId ?? undefined));
  queue.throttledUntil = Date.now() + 60_000;
  queue.pending.push({ correlationId: 1 });
  queue.scheduleCheckPendingRequests();
  assert.notEqual(queue.throttleCheckTimeoutId, null);
});

test("a produce request's messages are grouped per partition, each partition's in order", () => {
  const messages = Array.from({ length: 10_000 }, (_, index) => ({ key: String(index) }));
  const grouped = groupMessagesPerPartition({
    topic: 'jobs',
    partitionMetadata: [{}, {}, {}],
    messages,
    partitioner: ({ message }) => Number(message.key) % 3,
  });
  assert.deepEqual(Object.keys(grouped).sort(), ['0', '1', '2']);
  for (const [partition, list] of Object.entries(grouped)) {
    assert.deepEqual(
      list,
      messages.filter((message) => Number(message.key) % 3 === Number(partition)),
    );
  }
  assert.deepEqual(
    groupMessagesPerPartition({ topic: 'jobs', partitionMetadata: [], messages, partitioner: () => 0 }),
    {},
  );
});
