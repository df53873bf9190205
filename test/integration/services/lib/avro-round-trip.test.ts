import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingMessage } from '../../../../services/lib/kafka.ts';
import { registerAvroSchema } from '../../../../services/lib/schema-registry.ts';
import { parseWireFormat } from '../../../../services/lib/wire-format.ts';
import {
  createTestTopic,
  deleteSubjectAfter,
  kafkaAdmin,
  onCleanup,
  kafkaClient,
  schemaRegistry,
  testNames,
  uniqueName,
} from '../../../support/resources.ts';

const schema = JSON.stringify({
  type: 'record',
  name: 'RoundTrip',
  namespace: 'sedano.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});

test('an Avro record registered in the registry round-trips producer -> consumer in Confluent framing', async (t) => {
  const admin = await kafkaAdmin(t);
  const topic = await createTestTopic(t, admin, { prefix: 'test-avro', partitions: 3 });
  const subject = testNames().valueSubject(topic.name);
  deleteSubjectAfter(t, subject);
  const registry = schemaRegistry();
  const schemaId = await registerAvroSchema(registry, subject, schema);
  assert.equal(await registry.getLatestSchemaId(subject), schemaId);

  const record = { id: uniqueName('record'), count: 42, note: 'ciao' };
  const kafka = kafkaClient();
  const consumer = await kafka.consumer(uniqueName('test-avro-group'));
  onCleanup(t, () => consumer.close());
  const received = new Promise<IncomingMessage>((resolve) => {
    void consumer.consume({ topics: [topic.name], fromBeginning: true, handle: (message) => resolve(message) });
  });
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  await producer.send(topic.name, [{ key: record.id, value: await registry.encode(schemaId, record) }]);

  const message = await received;
  assert.ok(message.value);
  assert.equal(message.value[0], 0, 'magic byte 0');
  assert.equal(parseWireFormat(message.value).schemaId, schemaId, '4-byte schema id');
  assert.equal(message.key?.toString(), record.id);
  assert.deepEqual({ ...(await registry.decode(message.value)) }, record);
});
