/**
 * The renewing producer (services/lib/renewing-producer.ts) with fake producers: one request
 * at a time, and a new producer after a failed send. The broker's side, the dropped and refused
 * batches of a producer kept after a failure, is shown against the real broker:
 * test/integration/services/lib/kafka-producer-failed-send.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutgoingMessage } from '../../../../services/lib/kafka.ts';
import { createRenewingProducer, type ProducerConnection } from '../../../../services/lib/renewing-producer.ts';

/** A fake producer whose sends wait until released; it records what it sent and whether it was closed. */
function fakeProducer(name: string) {
  const sent: string[] = [];
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let closed = false;
  const deliver = (label: string) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({
        resolve: () => {
          sent.push(label);
          resolve();
        },
        reject,
      });
    });
  const producer: ProducerConnection<OutgoingMessage> = {
    send: (topic: string, messages: readonly OutgoingMessage[]) =>
      deliver(`${topic}:${messages.map((message) => String(message.value)).join(',')}`),
    sendMany: (batches) => deliver(batches.map(({ topic }) => topic).join('+')),
    close: async () => {
      closed = true;
    },
  };
  return {
    name,
    producer,
    sent,
    waiting,
    get closed() {
      return closed;
    },
  };
}

const one = (value: string): OutgoingMessage[] => [{ key: null, value: Buffer.from(value) }];
/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a send starts only once the send before it has settled', async () => {
  const first = fakeProducer('first');
  const producer = createRenewingProducer({ first: first.producer, open: () => assert.fail('no renewal') });

  const a = producer.send('t', one('a'));
  const b = producer.sendMany([{ topic: 'u', messages: one('b') }]);
  await settle();
  assert.equal(first.waiting.length, 1, 'the second send waits for the first');
  first.waiting[0]!.resolve();
  await a;
  await settle();
  assert.equal(first.waiting.length, 2);
  first.waiting[1]!.resolve();
  await b;
  assert.deepEqual(first.sent, ['t:a', 'u']);
});

test('after a failed send the producer is closed and the next send goes through a new one', async () => {
  const first = fakeProducer('first');
  const second = fakeProducer('second');
  const renewals: unknown[] = [];
  let opened = 0;
  const producer = createRenewingProducer({
    first: first.producer,
    open: async () => {
      opened += 1;
      return second.producer;
    },
    onRenew: (error) => renewals.push(error),
  });

  const failed = producer.send('t', one('a'));
  const next = producer.send('t', one('b'));
  await settle();
  first.waiting[0]!.reject(new Error('out of order'));
  await assert.rejects(failed, /out of order/);
  await settle();
  assert.equal(first.closed, true);
  assert.equal(first.waiting.length, 1, 'nothing more was sent through the failed producer');
  assert.deepEqual(
    renewals.map((error) => (error as Error).message),
    ['out of order'],
  );
  second.waiting[0]!.resolve();
  await next;
  assert.deepEqual(second.sent, ['t:b']);
  assert.equal(opened, 1);
});

test('a new producer that cannot be opened fails its send, and the next send tries again', async () => {
  const first = fakeProducer('first');
  const third = fakeProducer('third');
  const opens = [() => Promise.reject(new Error('broker away')), () => Promise.resolve(third.producer)];
  const producer = createRenewingProducer({ first: first.producer, open: () => opens.shift()!() });

  const failed = producer.send('t', one('a'));
  await settle();
  first.waiting[0]!.reject(new Error('connection closed'));
  await assert.rejects(failed, /connection closed/);
  await assert.rejects(producer.send('t', one('b')), /broker away/);
  const sent = producer.send('t', one('c'));
  await settle();
  third.waiting[0]!.resolve();
  await sent;
  assert.deepEqual(third.sent, ['t:c']);
});

test('close closes the producer at once, a send queued behind it is refused, and a send it broke is no renewal', async () => {
  const first = fakeProducer('first');
  const renewals: unknown[] = [];
  const producer = createRenewingProducer({
    first: first.producer,
    open: () => assert.fail('no renewal'),
    onRenew: (error) => renewals.push(error),
  });

  const inFlight = producer.send('t', one('a'));
  const queued = producer.send('t', one('b'));
  await settle();
  await producer.close();
  assert.equal(first.closed, true);
  first.waiting[0]!.reject(new Error('the producer is disconnected'));
  await assert.rejects(inFlight, /disconnected/);
  await assert.rejects(queued, /closed/);
  await assert.rejects(producer.send('t', one('c')), /closed/);
  assert.deepEqual(renewals, []);
});

test('a producer that opens after close is closed at once, and its send refused', async () => {
  const first = fakeProducer('first');
  const late = fakeProducer('late');
  let opened: (producer: ProducerConnection<OutgoingMessage>) => void = () => {};
  const producer = createRenewingProducer({
    first: first.producer,
    open: () => new Promise<ProducerConnection<OutgoingMessage>>((resolve) => (opened = resolve)),
  });

  const failed = producer.send('t', one('a'));
  await settle();
  first.waiting[0]!.reject(new Error('connection closed'));
  await assert.rejects(failed, /connection closed/);
  const queued = producer.send('t', one('b'));
  await settle();
  await producer.close();
  opened(late.producer);
  await assert.rejects(queued, /closed/);
  assert.equal(late.closed, true);
  assert.equal(late.waiting.length, 0);
});
