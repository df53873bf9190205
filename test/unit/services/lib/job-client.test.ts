import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchDeclarationContract } from '../../../../schemas/batch-declaration.ts';
import { jobStatusEventContract, type JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { validationProblems } from '../../../../services/lib/record-validation.ts';
import type { Codec } from '../../../../services/lib/codec.ts';
import {
  batchDeclaration,
  createJobClient,
  followUpOptions,
  jobHeader,
  pendingEvent,
} from '../../../../services/lib/job-client.ts';
import { followUpJobIdOf, followUpKey, jobIdForKey } from '../../../../services/lib/job-ids.ts';
import type { OutgoingMessage } from '../../../../services/lib/kafka.ts';
import { DUE_AT_HEADER, NOT_BEFORE_HEADER, RETURN_TOPIC_HEADER } from '../../../../services/lib/runtime/headers.ts';
import { topologyNames } from '../../../../topology/names.ts';

test('an idempotency key always gives the same version-5 job id', () => {
  const id = jobIdForKey('upload-42');
  assert.equal(id, jobIdForKey('upload-42'));
  assert.notEqual(id, jobIdForKey('upload-43'));
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('the header takes the options and the PENDING event follows from it', () => {
  const header = jobHeader('indexing', { priority: 'HIGH', idempotencyKey: 'k' }, 'api', 1000);
  assert.equal(header.jobId, jobIdForKey('k'));
  assert.equal(header.jobType, 'INDEX_DOCUMENTS');
  assert.equal(header.priority, 'HIGH');
  assert.equal(header.submitter, 'api');
  assert.equal(header.expiresAt, null, 'no expiry unless asked');
  assert.equal(jobHeader('noop', { expiresAt: 61_000 }, 'api', 1000).expiresAt, 61_000);
  const event = pendingEvent('indexing', header, null);
  assert.equal(event.state, 'PENDING');
  assert.equal(event.stage, 'INDEXING');
  assert.equal(event.sequence, 0);
  assert.equal(event.submittedAt, 1000);
  assert.deepEqual(validationProblems(jobStatusEventContract, event), []);
});

test("a batch's follow-up has the batch's idempotency key, and refuses options the batch sets", () => {
  const batchId = '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';
  const options = followUpOptions(batchId, { priority: 'LOW' });
  assert.deepEqual(options, { priority: 'LOW', idempotencyKey: `batch:${batchId}:follow-up` });
  const header = jobHeader('noop', options, 'api', 1000);
  assert.equal(header.jobId, jobIdForKey(followUpKey(batchId)));
  assert.equal(header.jobId, followUpJobIdOf(batchId), 'the view computes the same id from the batch alone');
  assert.deepEqual([header.batchId, header.parentJobId], [null, null], 'not a child of its batch');
  for (const conflicting of [{ batchId }, { parentJobId: batchId }, { idempotencyKey: 'mine' }]) {
    assert.throws(() => followUpOptions(batchId, conflicting), RangeError);
  }
});

test('a batch declaration carries the follow-up as produced: request bytes, headers and PENDING', () => {
  const batch = { batchId: '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f', size: 5, submittedAt: 1000, submitter: 'api' };
  assert.deepEqual(batchDeclaration(batch, undefined), { ...batch, followUp: null });
  const job = {
    jobId: jobIdForKey('f'),
    stage: 'noop' as const,
    priority: 'NORMAL' as const,
    topic: 't',
    batchId: null,
    notBefore: null,
    expiresAt: null,
  };
  const request = { key: job.jobId, value: Buffer.from([0, 0, 0, 0, 1, 2]), headers: { traceparent: '00-ab-cd-01' } };
  const pending = { key: job.jobId, value: Buffer.from([0, 0, 0, 0, 3, 4]) };
  const declaration = batchDeclaration(batch, { job, request, pending });
  assert.deepEqual(declaration.followUp, {
    jobId: job.jobId,
    stage: 'noop',
    topic: 't',
    request: request.value,
    requestHeaders: [{ key: 'traceparent', value: Buffer.from('00-ab-cd-01') }],
    pending: pending.value,
  });
  assert.deepEqual(validationProblems(batchDeclarationContract, declaration), []);
});

/** The PENDING event among the messages a test client sent (its codec writes JSON). */
function pendingOf(sent: readonly { topic: string; message: OutgoingMessage }[]): JobStatusEvent | undefined {
  const pending = sent.find(({ topic }) => topic === topologyNames('sedano').statusTopic)?.message;
  return pending === undefined ? undefined : (JSON.parse(String(pending.value)) as JobStatusEvent);
}

test('a delayed job goes to the delay topic of its delay with its due time and lane; a past due time changes nothing', async () => {
  const sent: { topic: string; message: OutgoingMessage }[] = [];
  const names = topologyNames('sedano');
  const noop = { sleepMs: 0, cpuSpinMs: 0, failureRate: 0, payload: null };
  const client = createJobClient({
    producer: {
      send: async (topic, messages) => void sent.push(...messages.map((message) => ({ topic, message }))),
      close: async () => {},
    },
    // The records as JSON: what matters here is where they go and with which headers.
    codec: {
      toMessage: async (_binding: unknown, key: string, record: unknown) => ({
        key,
        value: Buffer.from(JSON.stringify(record)),
        headers: { traceparent: '00-ab-cd-01' },
      }),
    } as unknown as Codec,
    names,
    submitter: 'test',
    now: () => 1_000_000,
  });

  const delayed = await client.submit('noop', noop, { notBefore: 1_000_000 + 90_000, priority: 'HIGH' });
  assert.equal(delayed.topic, names.retryTopic('noop', '1m'), 'the longest tier not above 90 s');
  assert.equal(delayed.notBefore, 1_090_000);
  const request = sent.find(({ topic }) => topic === delayed.topic)?.message;
  assert.equal(String(request?.headers?.[DUE_AT_HEADER]), '1090000');
  assert.equal(String(request?.headers?.[NOT_BEFORE_HEADER]), '1090000');
  assert.equal(String(request?.headers?.[RETURN_TOPIC_HEADER]), names.jobTopic('noop', 'high'));
  assert.equal(String(request?.headers?.['traceparent']), '00-ab-cd-01', 'the trace context stays');
  assert.equal(pendingOf(sent)?.nextAttemptAt, 1_090_000, 'its PENDING says when it is due');
  assert.equal(
    pendingOf(sent)?.payloadPreview,
    '{"sleepMs":0,"cpuSpinMs":0,"failureRate":0,"payload":null}',
    'and shows its payload',
  );

  sent.length = 0;
  const now = await client.submit('noop', noop, { notBefore: 999_000 });
  assert.equal(now.topic, names.jobTopic('noop', 'normal'));
  assert.equal(now.notBefore, null);
  assert.equal(sent.find(({ topic }) => topic === now.topic)?.message.headers?.[DUE_AT_HEADER], undefined);
  assert.equal(pendingOf(sent)?.nextAttemptAt, null);
});
