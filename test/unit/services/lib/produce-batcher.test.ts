import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KafkaProducer, OutgoingMessage } from '../../../../services/lib/kafka.ts';
import { createProduceBatcher } from '../../../../services/lib/produce-batcher.ts';

type Request = { topic: string; values: string[] }[];

/** A producer that records each request and lets the test decide when (and how) it ends. */
function fakeProducer(options: { many?: boolean } = {}) {
  const requests: Request[] = [];
  const inFlight: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const record = (batches: readonly { topic: string; messages: readonly OutgoingMessage[] }[]) => {
    requests.push(batches.map(({ topic, messages }) => ({ topic, values: messages.map((m) => String(m.value)) })));
    return new Promise<void>((resolve, reject) => inFlight.push({ resolve, reject }));
  };
  const producer: KafkaProducer = {
    send: (topic, messages) => record([{ topic, messages }]),
    ...(options.many === false ? {} : { sendMany: (batches) => record(batches) }),
    close: () => Promise.resolve(),
  };
  return { producer, requests, inFlight };
}

const message = (value: string): OutgoingMessage => ({ key: value.split(':')[0]!, value: Buffer.from(value) });
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a job that starts and ends in one window goes out in one request, STARTED before SUCCESS', async () => {
  const { producer, requests, inFlight } = fakeProducer();
  const batcher = createProduceBatcher(producer);
  const sent = [
    batcher.send('status', [message('a:STARTED')]),
    batcher.send('status', [message('b:STARTED')]),
    batcher.send('status', [message('a:SUCCESS')]),
  ];
  await turn();
  assert.deepEqual(requests, [[{ topic: 'status', values: ['a:STARTED', 'b:STARTED', 'a:SUCCESS'] }]]);
  inFlight[0]!.resolve();
  await Promise.all(sent);
});

test('messages queued while a request is in flight share the next one, in queue order', async () => {
  const { producer, requests, inFlight } = fakeProducer();
  const batcher = createProduceBatcher(producer);
  const first = batcher.send('status', [message('a:STARTED')]);
  await turn();
  // A message still being encoded keeps its place ahead of later ones.
  let encode!: (m: OutgoingMessage) => void;
  const slow = new Promise<OutgoingMessage>((resolve) => (encode = resolve));
  const later = [
    batcher.send('status', [slow]),
    batcher.send('lane', [message('c:REQUEST')]),
    batcher.send('status', [message('a:PROGRESS'), message('a:SUCCESS')]),
  ];
  assert.equal(requests.length, 1);
  inFlight[0]!.resolve();
  await first;
  encode(message('b:STARTED'));
  await turn();
  await turn();
  assert.deepEqual(requests[1], [
    { topic: 'status', values: ['b:STARTED', 'a:PROGRESS', 'a:SUCCESS'] },
    { topic: 'lane', values: ['c:REQUEST'] },
  ]);
  inFlight[1]!.resolve();
  await Promise.all(later);
});

test('a request holds at most maxMessages, and the rest follow in order', async () => {
  const { producer, requests, inFlight } = fakeProducer({ many: false });
  const batcher = createProduceBatcher(producer, { maxMessages: 2 });
  const sent = ['1', '2', '3'].map((n) => batcher.send('status', [message(`a:${n}`)]));
  await turn();
  inFlight[0]!.resolve();
  await sent[1];
  await turn();
  inFlight[1]!.resolve();
  await Promise.all(sent);
  assert.deepEqual(requests, [[{ topic: 'status', values: ['a:1', 'a:2'] }], [{ topic: 'status', values: ['a:3'] }]]);
});

test('a failed request rejects its messages and every one queued after them, which are never sent', async () => {
  const { producer, requests, inFlight } = fakeProducer();
  const batcher = createProduceBatcher(producer);
  const started = batcher.send('status', [message('a:STARTED')]);
  await turn();
  const succeeded = batcher.send('status', [message('a:SUCCESS')]);
  inFlight[0]!.reject(new Error('broker down'));
  await assert.rejects(started, /broker down/);
  await assert.rejects(succeeded, /broker down/);
  await turn();
  assert.equal(requests.length, 1);
  // The batcher goes on with what is queued afterwards.
  const next = batcher.send('status', [message('b:STARTED')]);
  await turn();
  inFlight[1]!.resolve();
  await next;
  assert.equal(requests.length, 2);
});

test('a message that fails to encode while it waits rejects its send and those after it, never unhandled', async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const { producer, requests, inFlight } = fakeProducer();
  const batcher = createProduceBatcher(producer);
  const first = batcher.send('status', [message('a:STARTED')]);
  await turn();
  // Queued behind the request in flight; its encoding fails long before that request ends.
  const failing = batcher.send('status', [Promise.reject(new Error('registry away'))]);
  const after = batcher.send('status', [Promise.resolve(message('b:STARTED'))]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  inFlight[0]!.resolve();
  await first;
  await assert.rejects(failing, /registry away/);
  await assert.rejects(after, /registry away/);
  assert.deepEqual(unhandled, []);
  assert.deepEqual(
    requests.map((request) => request.flatMap((batch) => batch.values)),
    [['a:STARTED']],
  );
});

test('a flush larger than maxBytes goes out as several requests in order; a failure fails only the unsent', async () => {
  const { producer, requests, inFlight } = fakeProducer();
  // Each message is 1 byte of key (its letter) and 9 of value: 10 bytes.
  const batcher = createProduceBatcher(producer, { maxBytes: 25 });
  const big = (value: string): OutgoingMessage => ({ key: value[0]!, value: Buffer.from(value.padEnd(9, '.')) });
  const settled: string[] = [];
  const track = (name: string, sent: Promise<void>) =>
    sent.then(
      () => settled.push(`${name} sent`),
      () => settled.push(`${name} failed`),
    );
  const all = Promise.all([
    track('a', batcher.send('status', [big('a:STARTED'), big('a:SUCCESS')])),
    track('b', batcher.send('lane', [big('b:REQUEST')])),
    track('c', batcher.send('status', [big('c:SUCCESS')])),
    track('d', batcher.send('status', [big('d:SUCCESS')])),
  ]);
  await turn();
  assert.deepEqual(requests, [[{ topic: 'status', values: ['a:STARTED', 'a:SUCCESS'] }]]);
  inFlight[0]!.resolve();
  await turn();
  assert.deepEqual(requests[1], [
    { topic: 'lane', values: ['b:REQUEST'] },
    { topic: 'status', values: ['c:SUCCESS'] },
  ]);
  assert.deepEqual(settled, ['a sent']);
  inFlight[1]!.reject(new Error('broker away'));
  await all;
  assert.equal(requests.length, 2, 'nothing is sent after a failed request');
  assert.deepEqual(settled, ['a sent', 'b failed', 'c failed', 'd failed']);
});

test('a message larger than maxBytes goes alone', async () => {
  const { producer, requests, inFlight } = fakeProducer();
  const batcher = createProduceBatcher(producer, { maxBytes: 10 });
  const sent = [batcher.send('status', [message('a:RESULT-OF-MANY-BYTES')]), batcher.send('status', [message('b:X')])];
  await turn();
  assert.deepEqual(requests, [[{ topic: 'status', values: ['a:RESULT-OF-MANY-BYTES'] }]]);
  inFlight[0]!.resolve();
  await turn();
  assert.deepEqual(requests[1], [{ topic: 'status', values: ['b:X'] }]);
  inFlight[1]!.resolve();
  await Promise.all(sent);
});
