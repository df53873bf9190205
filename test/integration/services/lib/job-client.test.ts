import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { test } from 'node:test';
import { batchDeclarationContract } from '../../../../schemas/batch-declaration.ts';
import { jobStatusEventContract } from '../../../../schemas/job-status-event.ts';
import { noopRequestContract } from '../../../../schemas/noop-request.ts';
import { createCodec } from '../../../../services/lib/codec.ts';
import { createJobClient } from '../../../../services/lib/job-client.ts';
import { jobIdForKey } from '../../../../services/lib/job-ids.ts';
import { LANES } from '../../../../topology/topics.ts';
import { startTelemetry } from '../../../../services/lib/telemetry.ts';
import {
  collectMessages,
  endpoints,
  kafkaClient,
  onCleanup,
  schemaRegistry,
  testNames,
  uniqueName,
} from '../../../support/resources.ts';

/** The test run's namespace (its topics were applied by the global setup). */
const names = testNames();

async function setUp(t: test.TestContext) {
  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  const codec = createCodec({ registry: schemaRegistry() });
  const client = createJobClient({ producer, codec, names, submitter: 'job-client-test' });
  const collected = await collectMessages(t, [
    ...LANES.map((lane) => names.jobTopic('noop', lane)),
    names.statusTopic,
    names.batchesTopic,
  ]);
  return { client, codec, collected };
}

test('submit produces the request to its lane, keyed by job id with trace context, then PENDING', async (t) => {
  const telemetry = startTelemetry({ serviceName: 'sedano-test-job-client', otlpEndpoint: endpoints().otlpEndpoint });
  onCleanup(t, () => telemetry.shutdown());
  const { client, codec, collected } = await setUp(t);
  const job = await client.submit(
    'noop',
    { sleepMs: 5, cpuSpinMs: 0, failureRate: 0, payload: 'hi' },
    { priority: 'HIGH' },
  );
  assert.equal(job.topic, names.jobTopic('noop', 'high'));

  const mine = await collected
    .until(
      (messages) => messages.filter((message) => message.key?.toString() === job.jobId).length === 2,
      'the request and the PENDING event of the job',
    )
    .then((messages) => messages.filter((message) => message.key?.toString() === job.jobId));
  const request = mine.find((message) => message.topic !== names.statusTopic);
  const status = mine.find((message) => message.topic === names.statusTopic);
  assert.equal(request?.topic, names.jobTopic('noop', 'high'));
  assert.equal(status?.topic, names.statusTopic);
  assert.match(request?.headers['traceparent']?.toString() ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

  const { record } = await codec.decode(noopRequestContract, request?.value ?? null);
  assert.equal(record.header.jobId, job.jobId);
  assert.equal(record.header.jobType, 'NOOP');
  assert.equal(record.header.priority, 'HIGH');
  assert.equal(record.header.submitter, 'job-client-test');
  assert.equal(record.payload, 'hi');

  const { record: pending } = await codec.decode(jobStatusEventContract, status?.value ?? null);
  assert.equal(pending.state, 'PENDING');
  assert.equal(pending.stage, 'NOOP');
  assert.equal(pending.sequence, 0);
  assert.equal(pending.submittedAt, record.header.submittedAt);
  assert.equal(pending.traceId, request?.headers['traceparent']?.toString().split('-')[1], 'PENDING names the trace');
  assert.ok(request);
  const { traceContext } = await codec.fromMessage(noopRequestContract, request);
  assert.equal(trace.getSpanContext(traceContext)?.traceId, pending.traceId, 'the consumer continues the trace');
});

test('submitBatch gives every job the batch id; an idempotency key gives the same job id', async (t) => {
  const { client, codec, collected } = await setUp(t);
  const key = uniqueName('upload');
  const { batchId, jobs } = await client.submitBatch([
    {
      stage: 'noop',
      payload: { sleepMs: 0, cpuSpinMs: 0, failureRate: 0, payload: '1' },
      options: { priority: 'LOW' },
    },
    {
      stage: 'noop',
      payload: { sleepMs: 0, cpuSpinMs: 0, failureRate: 0, payload: '2' },
      options: { idempotencyKey: key },
    },
  ]);
  assert.deepEqual(
    jobs.map((job) => job.batchId),
    [batchId, batchId],
  );
  assert.equal(jobs[1]?.jobId, jobIdForKey(key));

  const ids = new Set(jobs.map((job) => job.jobId));
  const requests = await collected.until(
    (messages) => messages.filter((m) => m.topic !== names.statusTopic && ids.has(m.key?.toString() ?? '')).length >= 2,
    'both batch requests',
  );
  for (const message of requests.filter((m) => m.topic !== names.statusTopic && ids.has(m.key?.toString() ?? ''))) {
    const { record } = await codec.decode(noopRequestContract, message.value);
    assert.equal(record.header.batchId, batchId);
  }
  const again = await client.submit(
    'noop',
    { sleepMs: 0, cpuSpinMs: 0, failureRate: 0, payload: '2' },
    { idempotencyKey: key },
  );
  assert.equal(again.jobId, jobs[1]?.jobId, 'the same key is the same job');
});

test('submitBatch declares the batch first, with its follow-up encoded in full and not produced yet', async (t) => {
  const { client, codec, collected } = await setUp(t);
  const noop = { sleepMs: 0, cpuSpinMs: 0, failureRate: 0, payload: null };
  const { batchId, jobs, followUpJobId } = await client.submitBatch(
    [
      { stage: 'noop', payload: noop },
      { stage: 'noop', payload: noop },
    ],
    { followUp: { stage: 'noop', payload: { ...noop, payload: 'report' }, options: { priority: 'LOW' } } },
  );
  assert.equal(followUpJobId, jobIdForKey(`batch:${batchId}:follow-up`));
  const childIds = new Set(jobs.map((job) => job.jobId));
  const ofChildren = (messages: typeof collected.messages) =>
    messages.filter((m) => m.topic !== names.batchesTopic && childIds.has(m.key?.toString() ?? ''));
  const messages = await collected.until(
    (all) =>
      ofChildren(all).length === 4 && all.some((m) => m.topic === names.batchesTopic && m.key?.toString() === batchId),
    'the declaration, and the requests and PENDING events of both children',
  );
  const declared = messages.find((m) => m.topic === names.batchesTopic && m.key?.toString() === batchId);
  assert.ok(declared);
  for (const child of ofChildren(messages)) {
    assert.ok(declared.timestampMs <= child.timestampMs, 'declared before any child was produced');
  }
  assert.equal(
    messages.filter((m) => m.key?.toString() === followUpJobId).length,
    0,
    'the follow-up waits for the projector',
  );

  const { record: declaration } = await codec.decode(batchDeclarationContract, declared.value);
  assert.deepEqual([declaration.batchId, declaration.size, declaration.submitter], [batchId, 2, 'job-client-test']);
  const { followUp } = declaration;
  assert.deepEqual(
    [followUp?.jobId, followUp?.stage, followUp?.topic],
    [followUpJobId, 'noop', names.jobTopic('noop', 'low')],
  );
  const { record: request } = await codec.decode(noopRequestContract, followUp?.request ?? null);
  assert.equal(request.payload, 'report');
  assert.deepEqual(
    [request.header.jobId, request.header.batchId, request.header.parentJobId, request.header.idempotencyKey],
    [followUpJobId, null, null, `batch:${batchId}:follow-up`],
  );
  const { record: pending } = await codec.decode(jobStatusEventContract, followUp?.pending ?? null);
  assert.deepEqual([pending.jobId, pending.state, pending.batchId], [followUpJobId, 'PENDING', null]);

  await assert.rejects(client.submitBatch([]), RangeError);
  await assert.rejects(
    client.submitBatch([{ stage: 'noop', payload: noop }], {
      followUp: { stage: 'noop', payload: noop, options: { batchId } },
    }),
    /a batch follow-up's batchId is set by the batch/,
  );
});

test('an invalid payload is refused before anything is produced, naming the field', async (t) => {
  const { client } = await setUp(t);
  await assert.rejects(
    client.submit('noop', { sleepMs: 'later', cpuSpinMs: 0, failureRate: 0, payload: null } as never),
    { code: 'SEDANO_ERR_CODEC_INVALID_RECORD', message: /sleepMs: expected long, got "later"/ },
  );
});
