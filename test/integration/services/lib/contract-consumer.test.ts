/**
 * Poison messages of every kind, fed through a real consumer: each lands in the dead-letter
 * topic with its original bytes and the reason, is counted and logged once, and the
 * partition keeps flowing (the good message behind them is processed).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import avro from 'avsc';
import { pino } from 'pino';
import { controlCommandContract } from '../../../../schemas/control-command.ts';
import { deadLetterRecordContract, type DeadLetterRecord } from '../../../../schemas/dead-letter-record.ts';
import { noopRequestContract, type NoopRequest } from '../../../../schemas/noop-request.ts';
import { loadSchema } from '../../../../schemas/schema-loader.ts';
import { createCodec, type SubjectBinding } from '../../../../services/lib/codec.ts';
import { consumeContract } from '../../../../services/lib/contract-consumer.ts';
import { createDeadLetterWriter } from '../../../../services/lib/dead-letter.ts';
import { newJobId } from '../../../../services/lib/job-ids.ts';
import {
  collectMessages,
  createTestTopic,
  deleteSubjectAfter,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  schemaRegistry,
  testNames,
  uniqueName,
} from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { controlCommandSample, noopRequestSample } from '../../../unit/schemas/samples.ts';

const CONSUMER_LIMIT_BYTES = 50_000;

function frame(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

function noopJob(payload: string | null = null): NoopRequest {
  return { ...noopRequestSample, header: { ...noopRequestSample.header, jobId: newJobId() }, payload };
}

test('every kind of poison message is dead-lettered with its bytes and reason while the partition keeps flowing', async (t) => {
  const admin = await kafkaAdmin(t);
  // The topic accepts more than the consumer does, so an oversize message can reach it.
  const topic = await createTestTopic(t, admin, { prefix: 'test-poison', configs: { 'max.message.bytes': '2097152' } });
  const names = testNames();
  const registry = schemaRegistry();
  const codec = createCodec({ registry, maxMessageBytes: CONSUMER_LIMIT_BYTES });
  const noopBinding: SubjectBinding<NoopRequest> = {
    subject: names.valueSubject(topic.name),
    contract: noopRequestContract,
    compatibility: 'FULL_TRANSITIVE',
  };
  deleteSubjectAfter(t, noopBinding.subject);
  const otherSubject = `${uniqueName('test-poison-other')}-value`;
  deleteSubjectAfter(t, otherSubject);

  const first = noopJob('first');
  const last = noopJob('last');
  const firstBytes = await codec.encode(noopBinding, first);
  const noopSchemaId = firstBytes.readInt32BE(1);
  // A record that decodes but breaks its contract: written without the uuid check.
  const unchecked = avro.Type.forSchema(loadSchema('sedano.NoopRequest'));
  const badJobId = { ...noopJob(), header: { ...noopJob().header, jobId: 'job-42' } };
  const poison: Record<string, Buffer> = {
    SEDANO_ERR_CODEC_NOT_FRAMED: Buffer.from(JSON.stringify({ sleepMs: 10 })),
    SEDANO_ERR_CODEC_UNKNOWN_SCHEMA: frame(2_000_000_000, noopRequestContract.type.toBuffer(noopJob())),
    SEDANO_ERR_CODEC_TRUNCATED: firstBytes.subarray(0, firstBytes.length - 20),
    SEDANO_ERR_CODEC_WRONG_SCHEMA: await codec.encode(
      { subject: otherSubject, contract: controlCommandContract, compatibility: 'FULL' },
      controlCommandSample,
    ),
    SEDANO_ERR_CODEC_INVALID_RECORD: frame(noopSchemaId, unchecked.toBuffer(badJobId)),
    SEDANO_ERR_CODEC_OVERSIZE: await codec.encode(noopBinding, noopJob('x'.repeat(2 * CONSUMER_LIMIT_BYTES))),
  };

  const kafka = kafkaClient();
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  await producer.send(topic.name, [
    { key: first.header.jobId, value: firstBytes },
    ...Object.entries(poison).map(([code, value]) => ({ key: code, value })),
    { key: last.header.jobId, value: await codec.encode(noopBinding, last) },
  ]);

  const logLines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({ write: (chunk: Buffer, _encoding, done) => done(void logLines.push(chunk.toString())) }),
  );
  const groupId = uniqueName('test-poison-group');
  const consumer = await kafka.consumer(groupId);
  onCleanup(t, () => consumer.close());
  const deadLetters = createDeadLetterWriter({ producer, codec, names, consumerGroup: groupId });
  const handled: NoopRequest[] = [];
  await consumeContract({
    consumer,
    codec,
    contract: noopRequestContract,
    topics: [topic.name],
    fromBeginning: true,
    deadLetters,
    logger,
    handle: (record) => void handled.push(record),
  });

  await waitFor(() => handled.length === 2, { description: 'both good jobs handled' });
  assert.deepEqual(
    handled.map((record) => record.payload),
    ['first', 'last'],
    'the good message behind the poison was processed',
  );

  const readDeadLetters = createCodec({ registry, maxMessageBytes: 4 * 1_048_576 });
  const collected = await collectMessages(t, [names.deadLetterTopic]);
  const mine = async (): Promise<DeadLetterRecord[]> => {
    const records = await Promise.all(
      collected.messages.map(
        async (message) => (await readDeadLetters.decode(deadLetterRecordContract, message.value)).record,
      ),
    );
    return records.filter((record) => record.sourceTopic === topic.name);
  };
  const records = await waitFor(async () => ((await mine()).length >= 6 ? mine() : undefined), {
    description: 'six dead letters of the test topic',
  });

  assert.deepEqual(records.map((record) => record.errorCode).sort(), Object.keys(poison).sort());
  for (const record of records) {
    assert.deepEqual(record.originalValue, poison[record.errorCode], `${record.errorCode}: original bytes kept`);
    assert.equal(record.originalKey?.toString(), record.errorCode);
    assert.equal(record.consumerGroup, groupId);
    assert.ok(record.reason.length > 0);
    t.diagnostic(`${record.errorCode} at offset ${record.sourceOffset}: ${record.reason}`);
  }
  assert.deepEqual(new Set(deadLetters.counts.values()), new Set([1]), 'each counted once');
  assert.equal(deadLetters.counts.size, 6);
  const warnings = logLines.filter((line) => line.includes('dead-lettered a poison message'));
  assert.equal(warnings.length, 6, 'each logged once');
});
