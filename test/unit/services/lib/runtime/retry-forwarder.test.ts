import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { ConsumeOptions, IncomingMessage, OutgoingMessage } from '../../../../../services/lib/kafka.ts';
import { DUE_AT_HEADER, RETURN_TOPIC_HEADER } from '../../../../../services/lib/runtime/headers.ts';
import { startRetryForwarder } from '../../../../../services/lib/runtime/retry-forwarder.ts';

function dueRetry(offset: string): IncomingMessage {
  return {
    topic: 'retry-short',
    partition: 0,
    offset,
    key: Buffer.from('job-1'),
    value: Buffer.from('the job'),
    headers: { [DUE_AT_HEADER]: Buffer.from('1000'), [RETURN_TOPIC_HEADER]: Buffer.from('lane-normal') },
    timestampMs: 0,
  };
}

test('a due retry whose commit fails is forwarded once, and the failure is logged, not thrown', async () => {
  let handle: ConsumeOptions['handle'];
  const sent: { topic: string; messages: readonly OutgoingMessage[] }[] = [];
  const warnings: string[] = [];
  const forwarder = await startRetryForwarder({
    consumer: {
      consume: async (options) => void (handle = options.handle),
      commit: async () => {
        throw new Error('the coordinator is loading');
      },
      pause: () => {},
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
    retryTopics: ['retry-short'],
    logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }),
    now: () => 2_000,
  });

  // Thrown, kafkajs would hand the message over again, and it would be forwarded again.
  await handle!(dueRetry('7'), () => Promise.resolve());
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.topic, 'lane-normal');
  assert.equal(sent[0]?.messages[0]?.headers?.[DUE_AT_HEADER], undefined);
  assert.match(warnings.join(''), /retry forwarded; its offset was not committed/);
  await forwarder.close();
});
