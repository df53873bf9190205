import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { ConsumeOptions, IncomingMessage, OutgoingMessage } from '../../../../../services/lib/kafka.ts';
import { DUE_AT_HEADER, RETURN_TOPIC_HEADER } from '../../../../../services/lib/runtime/headers.ts';
import { headAction, startRetryForwarder } from '../../../../../services/lib/runtime/retry-forwarder.ts';

function dueRetry(offset: string, dueAt = 1000, appendedAt = 0): IncomingMessage {
  return {
    topic: 'retry-short',
    partition: 0,
    offset,
    key: Buffer.from('job-1'),
    value: Buffer.from('the job'),
    headers: { [DUE_AT_HEADER]: Buffer.from(String(dueAt)), [RETURN_TOPIC_HEADER]: Buffer.from('lane-normal') },
    timestampMs: appendedAt,
  };
}

/** A forwarder on one delay topic (hold 5 s) at time 2,000, with a consumer and producer that record. */
async function forwarderAt(options: { commitFails?: boolean } = {}) {
  let handle: ConsumeOptions['handle'] | undefined;
  const sent: { topic: string; messages: readonly OutgoingMessage[] }[] = [];
  const commits: string[] = [];
  const paused: string[] = [];
  const warnings: string[] = [];
  const forwarder = await startRetryForwarder({
    consumer: {
      consume: async (consumeOptions) => void (handle = consumeOptions.handle),
      commit: async (offsets) => {
        if (options.commitFails) throw new Error('the coordinator is loading');
        commits.push(...offsets.map((offset) => offset.offset));
      },
      pause: (partitions) => void paused.push(...partitions.map((partition) => partition.topic)),
      resume: () => {},
      seek: () => {},
      onAssignment: () => {},
      stop: async () => {},
      close: async () => {},
    },
    producer: {
      send: async (topic, messages) => void sent.push({ topic, messages }),
      close: async () => {},
    },
    retryTopics: [{ topic: 'retry-short', holdMs: 5_000 }],
    logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }),
    now: () => 2_000,
  });
  const deliver = (message: IncomingMessage) => handle!(message, () => Promise.resolve());
  return { forwarder, deliver, sent, commits, paused, warnings };
}

test("a delay topic's head is forwarded when due, waits until it is due or its hold ends, then goes back to the tail", () => {
  const hold = 5_000;
  assert.deepEqual(headAction({ dueAt: 1_000, appendedAt: 0 }, hold, 1_000), { kind: 'forward' });
  assert.deepEqual(headAction({ dueAt: 3_000, appendedAt: 0 }, hold, 1_000), { kind: 'wait', ms: 2_000 });
  // Due in an hour, appended at 0: it holds the messages behind it until its hold ends at 5,000 only.
  assert.deepEqual(headAction({ dueAt: 3_600_000, appendedAt: 0 }, hold, 1_000), { kind: 'wait', ms: 4_000 });
  assert.deepEqual(headAction({ dueAt: 3_600_000, appendedAt: 0 }, hold, 5_000), { kind: 'requeue' });
  // Due exactly when its hold ends: forwarded, not requeued.
  assert.deepEqual(headAction({ dueAt: 5_000, appendedAt: 0 }, hold, 5_000), { kind: 'forward' });
  // No timestamp (0) on a message not due: requeued at once, and held from its new timestamp.
  assert.deepEqual(headAction({ dueAt: 3_600_000, appendedAt: 0 }, hold, 1_000_000), { kind: 'requeue' });
});

test('a head not due when its hold ended goes back to the tail of its own topic, headers kept, and is committed', async () => {
  const { forwarder, deliver, sent, commits, paused } = await forwarderAt();
  // Due in an hour, appended 6 s ago on a topic with a 5 s hold.
  await deliver(dueRetry('3', 3_602_000, -4_000));
  assert.deepEqual(
    sent.map(({ topic }) => topic),
    ['retry-short'],
  );
  assert.equal(sent[0]?.messages[0]?.headers?.[DUE_AT_HEADER]?.toString(), '3602000');
  assert.equal(sent[0]?.messages[0]?.headers?.[RETURN_TOPIC_HEADER]?.toString(), 'lane-normal');
  assert.deepEqual(commits, ['4']);
  assert.deepEqual(paused, []);

  // Appended 1 s ago: it waits (its partition paused), nothing sent or committed.
  await deliver(dueRetry('4', 3_602_000, 1_000));
  assert.deepEqual(paused, ['retry-short']);
  assert.equal(sent.length, 1);
  assert.deepEqual(commits, ['4']);
  await forwarder.close();
});

test('a due retry whose commit fails is forwarded once, and the failure is logged, not thrown', async () => {
  const { forwarder, deliver, sent, warnings } = await forwarderAt({ commitFails: true });

  // Thrown, kafkajs would hand the message over again, and it would be forwarded again.
  await deliver(dueRetry('7'));
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.topic, 'lane-normal');
  assert.equal(sent[0]?.messages[0]?.headers?.[DUE_AT_HEADER], undefined);
  assert.match(warnings.join(''), /retry forwarded; its offset was not committed/);
  await forwarder.close();
});
