import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSedanoError } from '../../../../services/lib/errors.ts';
import type { KafkaAdmin, KafkaProducer } from '../../../../services/lib/kafka.ts';
import { adminWithDeadline, codecWithDeadline, producerWithDeadline } from '../../../../services/gateway/deadlines.ts';
import { gatewayTopics, gatewayWrites } from '../../../../services/gateway/topics.ts';
import type { Codec, SubjectBinding } from '../../../../services/lib/codec.ts';
import { topologyNames } from '../../../../topology/names.ts';
import { LANES, STAGES } from '../../../../topology/stages.ts';

/** A producer whose writes settle when the test says. */
function heldProducer() {
  const writes: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const write = () => new Promise<void>((resolve, reject) => void writes.push({ resolve, reject }));
  const producer: KafkaProducer = { send: write, sendMany: write, close: async () => {} };
  return { producer, writes };
}

test('a write Kafka confirms in time resolves, and one it refuses rejects with its own error', async () => {
  const { producer, writes } = heldProducer();
  const bounded = producerWithDeadline(producer, 1_000);
  const sent = bounded.send('topic', []);
  writes[0]!.resolve();
  await sent;
  const refused = bounded.sendMany!([]);
  writes[1]!.reject(new Error('broker said no'));
  await assert.rejects(refused, /broker said no/);
});

test('a write not confirmed within the deadline rejects with 503 SEDANO_ERR_API_UNAVAILABLE; its late end changes nothing', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { producer, writes } = heldProducer();
  const sent = producerWithDeadline(producer, 5_000).send('topic', []);
  t.mock.timers.tick(4_999);
  let settled = false;
  void sent.then(
    () => (settled = true),
    () => (settled = true),
  );
  await Promise.resolve();
  assert.equal(settled, false, 'not before the deadline');
  t.mock.timers.tick(1);
  await assert.rejects(sent, (error) => {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, 'SEDANO_ERR_API_UNAVAILABLE');
    assert.match(error.message, /within 5000 ms; it may still take effect/);
    return true;
  });
  // The write failing after the deadline is no unhandled rejection (the test runner would fail on one).
  writes[0]!.reject(new Error('request timed out'));
  await new Promise((resolve) => setImmediate(resolve));
});

test('a producer without sendMany gets none', () => {
  const bounded = producerWithDeadline({ send: async () => {}, close: async () => {} }, 1_000);
  assert.equal('sendMany' in bounded, false);
});

test('an admin call not answered within the deadline rejects with 503; one answered passes its answer on', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const never = new Promise<never>(() => {});
  const admin = { fetchTopicOffsets: () => never, listTopics: async () => ['lane'] } as unknown as KafkaAdmin;
  const bounded = adminWithDeadline(admin, 5_000);
  assert.deepEqual(await bounded.listTopics(), ['lane']);
  const offsets = bounded.fetchTopicOffsets('lane');
  t.mock.timers.tick(5_000);
  await assert.rejects(offsets, (error) => {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, 'SEDANO_ERR_API_UNAVAILABLE');
    assert.equal(error.message, 'Kafka did not answer within 5000 ms');
    return true;
  });
});

test('a codec call the registry does not answer within the deadline rejects with 503; one answered passes its answer on', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const never = new Promise<never>(() => {});
  const encoded = Buffer.from([0, 0, 0, 0, 7]);
  const codec = {
    encode: async () => encoded,
    toMessage: () => never,
    prepare: () => never,
  } as unknown as Codec;
  const bounded = codecWithDeadline(codec, 5_000);
  const binding = {} as SubjectBinding<unknown>;
  assert.equal(await bounded.encode(binding, {}), encoded);
  const message = bounded.toMessage(binding, 'key', {});
  const prepared = bounded.prepare(binding);
  t.mock.timers.tick(5_000);
  for (const call of [message, prepared]) {
    await assert.rejects(call, (error) => {
      assert.ok(isSedanoError(error));
      assert.equal(error.code, 'SEDANO_ERR_API_UNAVAILABLE');
      assert.equal(error.message, 'the schema registry did not answer within 5000 ms');
      return true;
    });
  }
});

test("the subjects the gateway learns at start are every subject it writes: each stage's lanes, PENDING, batches, commands, scheduled runs", () => {
  const topics = gatewayTopics(topologyNames('sedano'));
  const subjects = gatewayWrites(topics).map((binding) => binding.subject);
  assert.equal(new Set(subjects).size, subjects.length);
  for (const stage of STAGES) {
    for (const lane of LANES)
      assert.ok(subjects.includes(`${topics.stages[stage].lanes[lane]}-value`), `${stage} ${lane}`);
  }
  for (const topic of [topics.status, topics.batches, topics.control, topologyNames('sedano').maintenanceTopic]) {
    assert.ok(subjects.includes(`${topic}-value`), topic);
  }
  assert.equal(subjects.length, STAGES.length * LANES.length + 4);
});
