import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_DELAY_MS } from '../../../../topology/stages.ts';
import { toBatchSubmissions, toJobSubmission } from '../../../../services/gateway/submissions.ts';
import { routedProducer, gatewayTopics } from '../../../../services/gateway/topics.ts';
import { isSedanoError } from '../../../../services/lib/errors.ts';
import type { OutgoingMessage } from '../../../../services/lib/kafka.ts';
import { DUE_AT_HEADER, RETURN_TOPIC_HEADER } from '../../../../services/lib/runtime/headers.ts';
import { topologyNames } from '../../../../topology/names.ts';

const context = { submitter: 'test', now: 1_000_000 };

/** The details of the 400 a submission gets, or fails the test. */
function refused(body: Parameters<typeof toJobSubmission>[0]): { path: string; message: string }[] {
  try {
    toJobSubmission(body, { ...context, pathPrefix: '/jobs/2' });
  } catch (error) {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, 'SEDANO_ERR_JOB_INVALID_REQUEST');
    return (error.details as { path: string; message: string }[]).map(({ path, message }) => ({ path, message }));
  }
  assert.fail('the submission was accepted');
}

test("a countdown becomes the job's due time; a due time in the past or now starts it at once", () => {
  const delayed = toJobSubmission({ stage: 'noop', payload: {}, countdownMs: 30_000 }, context);
  assert.equal(delayed.options?.notBefore, 1_030_000);
  const eta = toJobSubmission({ stage: 'noop', payload: {}, notBefore: 1_000_000 + MAX_DELAY_MS }, context);
  assert.equal(eta.options?.notBefore, 1_000_000 + MAX_DELAY_MS);
  for (const body of [
    { stage: 'noop' as const, payload: {}, countdownMs: 0 },
    { stage: 'noop' as const, payload: {}, notBefore: 999_999 },
    { stage: 'noop' as const, payload: {} },
  ]) {
    assert.equal(toJobSubmission(body, context).options?.notBefore, undefined, JSON.stringify(body));
  }
});

test('a countdown with a due time, or a due time beyond 30 days, is refused at /notBefore', () => {
  assert.deepEqual(refused({ stage: 'noop', payload: {}, countdownMs: 1, notBefore: 1_000_001 }), [
    { path: '/jobs/2/notBefore', message: 'give countdownMs or notBefore, not both' },
  ]);
  const [tooLate] = refused({ stage: 'noop', payload: {}, notBefore: 1_000_001 + MAX_DELAY_MS });
  assert.equal(tooLate?.path, '/jobs/2/notBefore');
  assert.match(tooLate?.message ?? '', /^at most 30 days ahead/);
});

test("an expiry in ms becomes the header's expiresAt; it must come after the job may start", () => {
  assert.equal(
    toJobSubmission({ stage: 'noop', payload: {}, expiresInMs: 60_000 }, context).options?.expiresAt,
    1_060_000,
  );
  assert.equal(
    toJobSubmission({ stage: 'noop', payload: {}, expiresAt: 1_000_001 }, context).options?.expiresAt,
    1_000_001,
  );
  const both = toJobSubmission({ stage: 'noop', payload: {}, countdownMs: 5_000, expiresInMs: 5_001 }, context);
  assert.deepEqual([both.options?.notBefore, both.options?.expiresAt], [1_005_000, 1_005_001]);
  assert.equal(toJobSubmission({ stage: 'noop', payload: {} }, context).options?.expiresAt, undefined);
  assert.deepEqual(refused({ stage: 'noop', payload: {}, expiresInMs: 1, expiresAt: 2_000_000 }), [
    { path: '/jobs/2/expiresAt', message: 'give expiresInMs or expiresAt, not both' },
  ]);
  assert.deepEqual(refused({ stage: 'noop', payload: {}, expiresAt: 1_000_000 }), [
    {
      path: '/jobs/2/expiresAt',
      message:
        'must be after the time the job may start (1970-01-01T00:16:40.000Z); it would expire at 1970-01-01T00:16:40.000Z',
    },
  ]);
  assert.deepEqual(refused({ stage: 'noop', payload: {}, countdownMs: 5_000, expiresInMs: 5_000 }), [
    {
      path: '/jobs/2/expiresInMs',
      message:
        'must be after the time the job may start (1970-01-01T00:16:45.000Z); it would expire at 1970-01-01T00:16:45.000Z',
    },
  ]);
  assert.deepEqual(
    refused({ stage: 'noop', payload: {}, notBefore: 1_000_000 + 3_600_000, expiresAt: 1_000_000 + 60_000 }).map(
      ({ path }) => path,
    ),
    ['/jobs/2/expiresAt'],
    'an expiry before the due time',
  );
  assert.deepEqual(
    refused({ stage: 'noop', payload: {}, expiresInMs: Number.MAX_SAFE_INTEGER - 1_000_000 }).map(({ path }) => path),
    ['/jobs/2/expiresInMs'],
    'beyond the latest time a date can hold',
  );
});

test('null timing fields are absent: no delay, no expiry (a reply echoed back is accepted)', () => {
  const submission = toJobSubmission(
    { stage: 'noop', payload: {}, countdownMs: null, notBefore: null, expiresInMs: null, expiresAt: null },
    context,
  );
  assert.deepEqual([submission.options?.notBefore, submission.options?.expiresAt], [undefined, undefined]);
});

test("a batch follow-up's expiry must come after its children's latest due time", () => {
  const batch = (followUpExpiresInMs: number) =>
    toBatchSubmissions(
      {
        jobs: [
          { stage: 'noop', payload: {}, countdownMs: 10_000 },
          { stage: 'noop', payload: {} },
        ],
        followUp: { stage: 'noop', payload: {}, expiresInMs: followUpExpiresInMs },
      },
      context,
    );
  assert.throws(
    () => batch(5_000),
    (error: unknown) => {
      assert.ok(isSedanoError(error));
      assert.deepEqual(error.details, [
        {
          in: 'body',
          path: '/followUp/expiresInMs',
          message:
            'must be after the time the job may start (1970-01-01T00:16:50.000Z); it would expire at 1970-01-01T00:16:45.000Z',
        },
      ]);
      return true;
    },
  );
  assert.equal(batch(60_000).followUp?.options?.expiresAt, 1_060_000);
});

test("the gateway's routed producer sends a delayed job to the routed delay topic, its lane header routed too", async () => {
  const names = topologyNames('sedano');
  const declared = gatewayTopics(names);
  const mine = gatewayTopics(topologyNames('sandbox'));
  const sent: { topic: string; messages: readonly OutgoingMessage[] }[] = [];
  const producer = routedProducer(
    { send: async (topic, messages) => void sent.push({ topic, messages }), close: async () => {} },
    names,
    mine,
  );
  const lane = declared.stages.noop.lanes.high;
  await producer.send(declared.stages.noop.retry[1]!, [
    { key: 'j', value: null, headers: { [DUE_AT_HEADER]: '5', [RETURN_TOPIC_HEADER]: lane } },
  ]);
  await producer.send(lane, [{ key: 'k', value: null }]);
  assert.equal(sent[0]?.topic, mine.stages.noop.retry[1]);
  assert.equal(String(sent[0]?.messages[0]?.headers?.[RETURN_TOPIC_HEADER]), mine.stages.noop.lanes.high);
  assert.equal(String(sent[0]?.messages[0]?.headers?.[DUE_AT_HEADER]), '5');
  assert.equal(sent[1]?.topic, mine.stages.noop.lanes.high);
  assert.equal(sent[1]?.messages[0]?.headers, undefined, 'a message without a lane header is left as it is');
});

test("a batch's 400 names every bad field of every job and of its follow-up, not the first job's only", () => {
  const bad = { stage: 'noop' as const, payload: { sleepMs: -1 } };
  assert.throws(
    () =>
      toBatchSubmissions(
        {
          jobs: [{ stage: 'noop', payload: {} }, bad, { ...bad, countdownMs: 1, notBefore: 2 }],
          followUp: { stage: 'noop', payload: {}, notBefore: 1_000_000 + MAX_DELAY_MS + 1 },
        },
        context,
      ),
    (error: unknown) => {
      assert.ok(isSedanoError(error));
      assert.deepEqual(
        (error.details as { path: string }[]).map(({ path }) => path),
        ['/jobs/1/payload/sleepMs', '/jobs/2/payload/sleepMs', '/jobs/2/notBefore', '/followUp/notBefore'],
      );
      return true;
    },
  );
  const ok = toBatchSubmissions({ jobs: [{ stage: 'noop', payload: {}, countdownMs: 5 }] }, context);
  assert.equal(ok.jobs[0]?.options?.notBefore, 1_000_005);
  assert.equal(ok.followUp, undefined);
});

test('a due time beyond 30 days is told in ISO times, as an expiry is', () => {
  const [tooLate] = refused({ stage: 'noop', payload: {}, notBefore: 1_000_001 + MAX_DELAY_MS });
  assert.deepEqual(tooLate, {
    path: '/jobs/2/notBefore',
    message: 'at most 30 days ahead (1970-01-31T00:16:40.000Z), got 1970-01-31T00:16:40.001Z',
  });
});

test('a soft time limit above the hard one is refused, for a job and for each job of a batch', () => {
  assert.deepEqual(refused({ stage: 'noop', payload: {}, softTimeLimitMs: 5_000, hardTimeLimitMs: 1_000 }), [
    {
      path: '/jobs/2/softTimeLimitMs',
      message:
        'the soft time limit (5000 ms) must not be above the hard one (1000 ms): the hard limit would always end the attempt first',
    },
  ]);
  for (const [soft, hard] of [
    [1_000, 1_000],
    [1_000, 5_000],
    [5_000, null],
    [null, 1_000],
  ] as const) {
    const job = toJobSubmission({ stage: 'noop', payload: {}, softTimeLimitMs: soft, hardTimeLimitMs: hard }, context);
    assert.deepEqual(
      [job.options?.softTimeLimitMs, job.options?.hardTimeLimitMs],
      [soft ?? undefined, hard ?? undefined],
    );
  }
  assert.throws(
    () =>
      toBatchSubmissions(
        {
          jobs: [
            { stage: 'noop', payload: {} },
            { stage: 'noop', payload: {}, softTimeLimitMs: 2, hardTimeLimitMs: 1 },
          ],
          followUp: { stage: 'noop', payload: {}, softTimeLimitMs: 3, hardTimeLimitMs: 2 },
        },
        context,
      ),
    (error: unknown) => {
      assert.ok(isSedanoError(error));
      assert.equal(error.code, 'SEDANO_ERR_JOB_INVALID_REQUEST');
      assert.deepEqual(
        (error.details as { path: string }[]).map(({ path }) => path),
        ['/jobs/1/softTimeLimitMs', '/followUp/softTimeLimitMs'],
      );
      return true;
    },
  );
});
