/**
 * Interoperability with Python: a service using confluent_kafka's own Avro serializer against
 * the same registry writes jobs sedano reads, and reads the jobs sedano writes. The Python
 * side is confluent_interop.py, run with Debian's system python3 and the Debian packages
 * python3-confluent-kafka and python3-avro (scripts/test installs them when missing).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { schemaText } from '../../../schemas/contract.ts';
import { type NoopRequest, noopRequestContract } from '../../../schemas/noop-request.ts';
import { createCodec, type SubjectBinding } from '../../../services/lib/codec.ts';
import type { IncomingMessage } from '../../../services/lib/kafka.ts';
import { DUE_AT_HEADER, NOT_BEFORE_HEADER, RETURN_TOPIC_HEADER } from '../../../services/lib/runtime/headers.ts';
import { startRetryForwarder } from '../../../services/lib/runtime/retry-forwarder.ts';
import { registerAvroSchema } from '../../../services/lib/schema-registry.ts';
import { parseWireFormat } from '../../../services/lib/wire-format.ts';
import {
  createTestTopic,
  deleteSubjectAfter,
  endpoints,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  schemaRegistry,
  testNames,
  uniqueName,
} from '../../support/resources.ts';
import { noopRequestSample } from '../../unit/schemas/samples.ts';

const execFileAsync = promisify(execFile);

/**
 * Debian's interpreter, named by path: the Debian packages install into its dist-packages,
 * which another python3 first on PATH (pyenv, a virtualenv) does not see.
 */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('confluent_interop.py', import.meta.url));
const APT_PACKAGES = 'python3-confluent-kafka python3-avro';
const PYTHON_TIMEOUT_MS = 60_000;

/** Fails (never skips) when the Python client is missing, naming the packages to install. */
async function requirePythonClient(): Promise<void> {
  try {
    await execFileAsync(PYTHON, ['-c', 'import confluent_kafka, avro'], { timeout: PYTHON_TIMEOUT_MS });
  } catch (error) {
    assert.fail(
      `${PYTHON} cannot import confluent_kafka and avro: install the Debian packages ${APT_PACKAGES} ` +
        `(apt-get install ${APT_PACKAGES}; scripts/test installs them when run as root)\n${(error as Error).message}`,
    );
  }
}

/** Runs confluent_interop.py and returns what it printed; its stderr is in the error if it fails. */
async function python(
  mode: 'produce' | 'consume',
  topic: string,
  options: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<string> {
  const { kafkaBrokers, schemaRegistryUrl } = endpoints();
  const args = [SCRIPT, mode, '--bootstrap', kafkaBrokers.join(','), '--registry', schemaRegistryUrl, '--topic', topic];
  for (const [name, value] of Object.entries(options)) args.push(`--${name}`, value);
  for (const [name, value] of Object.entries(headers)) args.push('--header', `${name}=${value}`);
  const { stdout } = await execFileAsync(PYTHON, args, { timeout: PYTHON_TIMEOUT_MS });
  return stdout.trim();
}

/** A job topic's binding, as topology/contracts.ts declares job subjects. */
function jobBinding(topic: string): SubjectBinding<NoopRequest> {
  return { subject: testNames().valueSubject(topic), contract: noopRequestContract, compatibility: 'FULL_TRANSITIVE' };
}

/** A noop job with an expiry, so both directions carry a timestamp-millis that is not null. */
function sampleJob(): NoopRequest {
  const { header } = noopRequestSample;
  return {
    ...noopRequestSample,
    header: { ...header, jobId: randomUUID(), expiresAt: header.submittedAt + 3_600_000 },
  };
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sedano-interop-'));
  onCleanup(t, () => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The files the Python producer reads: the job's schema and the record, removed afterwards. */
async function jobFiles(t: TestContext, binding: SubjectBinding<NoopRequest>, record: NoopRequest) {
  const dir = await tempDir(t);
  const schemaFile = join(dir, 'schema.avsc');
  const recordFile = join(dir, 'record.json');
  await writeFile(schemaFile, schemaText(binding.contract));
  await writeFile(recordFile, JSON.stringify(record));
  return { schemaFile, recordFile };
}

/** Checks the Python client, then makes a topic and its job subject binding, both removed afterwards. */
async function interopTopic(t: TestContext) {
  await requirePythonClient();
  const admin = await kafkaAdmin(t);
  const topic = await createTestTopic(t, admin, { prefix: 'test-interop-py' });
  const binding = jobBinding(topic.name);
  deleteSubjectAfter(t, binding.subject);
  return { topic, binding };
}

test(
  "a job produced by confluent_kafka's Avro serializer in Python is decoded by sedano's codec",
  { timeout: 120_000 },
  async (t) => {
    const { topic, binding } = await interopTopic(t);
    // Registered by sedano, as `topology apply` registers every job subject: the Python producer
    // only looks the schema up, so the subject has sedano's text and FULL_TRANSITIVE level.
    const schemaId = await registerAvroSchema(
      schemaRegistry(),
      binding.subject,
      schemaText(binding.contract),
      binding.compatibility,
    );

    const record = sampleJob();
    const { schemaFile, recordFile } = await jobFiles(t, binding, record);

    const consumer = await kafkaClient().consumer(uniqueName('test-interop-group'));
    onCleanup(t, () => consumer.close());
    const received = new Promise<IncomingMessage>((resolve) => {
      void consumer.consume({ topics: [topic.name], fromBeginning: true, handle: (message) => resolve(message) });
    });
    const printed = await python('produce', topic.name, { 'schema-file': schemaFile, 'record-file': recordFile });
    assert.equal(Number(printed), schemaId, 'Python printed the id of the schema sedano registered');

    const message = await received;
    assert.equal(message.key?.toString(), record.header.jobId);
    const decoded = await createCodec({ registry: schemaRegistry() }).decode(noopRequestContract, message.value);
    assert.equal(decoded.schemaId, schemaId);
    // avsc decodes into instances of generated record classes: compare plain copies.
    const { header, ...fields } = structuredClone(decoded.record);
    const { header: expectedHeader, ...expectedFields } = record;
    assert.deepEqual(header, expectedHeader);
    assert.deepEqual(fields, expectedFields);
  },
);

test(
  "a job encoded by sedano's codec is decoded by confluent_kafka's Avro deserializer in Python",
  { timeout: 120_000 },
  async (t) => {
    const { topic, binding } = await interopTopic(t);

    const record = sampleJob();
    const value = await createCodec({ registry: schemaRegistry() }).encode(binding, record);
    const producer = await kafkaClient().producer();
    onCleanup(t, () => producer.close());
    await producer.send(topic.name, [{ key: record.header.jobId, value }]);

    const printed = await python('consume', topic.name, {
      group: uniqueName('test-interop-python'),
      timeout: String(PYTHON_TIMEOUT_MS / 1000 - 10),
    });
    const message = JSON.parse(printed) as { key: string | null; schemaId: number; value: NoopRequest };
    assert.equal(message.key, record.header.jobId);
    assert.equal(message.schemaId, parseWireFormat(value).schemaId);
    const { header, ...fields } = message.value;
    const { header: expectedHeader, ...expectedFields } = record;
    assert.deepEqual(header, expectedHeader);
    assert.deepEqual(fields, expectedFields);
  },
);

test(
  'a delayed job produced from Python (docs/python-producer.md) waits on its delay topic, then reaches its lane whole',
  { timeout: 120_000 },
  async (t) => {
    const { topic: lane, binding } = await interopTopic(t);
    const delay = (await createTestTopic(t, await kafkaAdmin(t), { prefix: 'test-interop-delay' })).name;
    await registerAvroSchema(schemaRegistry(), binding.subject, schemaText(binding.contract), binding.compatibility);
    const kafka = kafkaClient();
    const forwarderProducer = await kafka.producer();
    onCleanup(t, () => forwarderProducer.close());
    const forwarder = await startRetryForwarder({
      consumer: await kafka.consumer(uniqueName('test-interop-forwarder')),
      producer: forwarderProducer,
      retryTopics: [{ topic: delay, holdMs: 5_000 }],
      logger: pino({ level: 'silent' }),
    });
    onCleanup(t, () => forwarder.close());
    const consumer = await kafka.consumer(uniqueName('test-interop-group'));
    onCleanup(t, () => consumer.close());
    const received = new Promise<IncomingMessage>((resolve) => {
      void consumer.consume({ topics: [lane.name], fromBeginning: true, handle: (message) => resolve(message) });
    });

    const record = sampleJob();
    const { schemaFile, recordFile } = await jobFiles(t, binding, record);
    const due = Date.now() + 2_000;
    await python(
      'produce',
      delay,
      { 'schema-file': schemaFile, 'record-file': recordFile, 'subject-topic': lane.name },
      { [DUE_AT_HEADER]: String(due), [NOT_BEFORE_HEADER]: String(due), [RETURN_TOPIC_HEADER]: lane.name },
    );

    const message = await received;
    assert.ok(message.timestampMs >= due, 'forwarded to its lane once due');
    assert.equal(message.headers[NOT_BEFORE_HEADER]?.toString(), String(due), 'its due time stays for the queue wait');
    assert.equal(message.headers[DUE_AT_HEADER], undefined);
    const decoded = await createCodec({ registry: schemaRegistry() }).decode(noopRequestContract, message.value);
    assert.equal(decoded.record.header.jobId, record.header.jobId);
  },
);
