import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSedanoError, NonRetriableError, SedanoError } from '../../../../../services/lib/errors.ts';
import {
  createFailedAttemptHandler,
  jobErrorOf,
  retryAfterOf,
} from '../../../../../services/lib/runtime/failed-attempt.ts';
import { DUE_AT_HEADER } from '../../../../../services/lib/runtime/headers.ts';
import type { JobReporter } from '../../../../../services/lib/runtime/job-reporter.ts';
import { fromPlainError, toPlainError } from '../../../../../services/lib/runtime/thread-messages.ts';
import { SHOWN_TEXT_MAX_CHARS } from '../../../../../services/lib/shown-text.ts';
import { noopRequestSample } from '../../../schemas/samples.ts';

test('an ordinary error is a retriable job failure', () => {
  assert.deepEqual(jobErrorOf(new TypeError('boom')), {
    code: 'SEDANO_ERR_JOB_FAILED',
    type: 'TypeError',
    message: 'boom',
    retriable: true,
  });
});

test('a sedano error keeps its code and says whether it is retriable', () => {
  assert.deepEqual(jobErrorOf(new NonRetriableError('bad input')), {
    code: 'SEDANO_ERR_JOB_FAILED',
    type: 'NonRetriableError',
    message: 'bad input',
    retriable: false,
  });
  const limit = jobErrorOf(new SedanoError('SEDANO_ERR_JOB_TIME_LIMIT', 'too long'));
  assert.deepEqual([limit.code, limit.retriable], ['SEDANO_ERR_JOB_TIME_LIMIT', false]);
});

test('a thrown non-error is reported by its text', () => {
  assert.deepEqual(jobErrorOf('plain string'), {
    code: 'SEDANO_ERR_JOB_FAILED',
    type: 'string',
    message: 'plain string',
    retriable: true,
  });
});

test("an error's message loses its credentials: the job page, the API and the dead letter show it", () => {
  const error = new Error('cannot read https://b.s3.amazonaws.com/a.pdf?X-Amz-Signature=s3cret&x=1: 403');
  assert.equal(
    jobErrorOf(error).message,
    'cannot read https://b.s3.amazonaws.com/a.pdf?X-Amz-Signature=[REDACTED]&x=1: 403',
  );
  // One quoting a whole response body is cut: its FAILURE must fit the status topic.
  const long = jobErrorOf(new Error(`upstream said: ${'x'.repeat(2_000_000)}`)).message;
  assert.equal(long.length, SHOWN_TEXT_MAX_CHARS);
  assert.ok(long.startsWith('upstream said: x') && long.endsWith('…'));
});

/** A failed-attempt handler over a recording producer and reporter, at a fixed time. */
function handlerAt(now: number) {
  const sent: { topic: string; dueAt: string | undefined }[] = [];
  const reported: string[] = [];
  const failedAttempt = createFailedAttemptHandler({
    producer: {
      send: async (topic, messages) =>
        void sent.push(...messages.map((message) => ({ topic, dueAt: message.headers?.[DUE_AT_HEADER]?.toString() }))),
      close: async () => {},
    },
    retryTopics: { '1s': 'retry-1s', '5s': 'retry-5s', '1m': 'retry-1m', '10m': 'retry-10m', '1h': 'retry-1h' },
    retryPolicy: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 1_000, backoffMultiplier: 2 },
    deadLetters: { write: async () => {}, counts: new Map() },
    now: () => now,
    random: () => 1,
  });
  const reporter = {
    retrying: async (_error: unknown, dueAt: number) => void reported.push(`RETRY ${dueAt}`),
    revoked: async (reason: string, code?: string) => void reported.push(`REVOKED ${code} ${reason}`),
  } as unknown as JobReporter;
  const message = { topic: 'lane', partition: 0, offset: '1', key: null, value: null, headers: {}, timestampMs: now };
  const fail = (error: unknown, expiresAt: number | null = null) =>
    failedAttempt(message, { ...noopRequestSample.header, expiresAt }, 1, reporter, error);
  return { fail, sent, reported };
}

test("an error's retryAfterMs makes its retry wait at least that long (an upstream's Retry-After)", async () => {
  const { fail, sent, reported } = handlerAt(1_000_000);
  const limited = new SedanoError('SEDANO_ERR_EMBEDDER_UNAVAILABLE', '429', { retryAfterMs: 30_000 });
  assert.equal(await fail(limited), 'RETRY');
  assert.equal(await fail(new SedanoError('SEDANO_ERR_EMBEDDER_UNAVAILABLE', '503')), 'RETRY');
  assert.deepEqual(sent, [
    { topic: 'retry-5s', dueAt: '1030000' },
    { topic: 'retry-1s', dueAt: '1000100' },
  ]);
  assert.deepEqual(reported, ['RETRY 1030000', 'RETRY 1000100']);
  assert.equal(retryAfterOf(new SedanoError('SEDANO_ERR_JOB_FAILED', 'x', { retryAfterMs: -1 })), 0);
  assert.equal(retryAfterOf(new Error('plain')), 0);
});

test('a retry that would come due after the job expires ends it REVOKED expired at once, nothing produced', async () => {
  const { fail, sent, reported } = handlerAt(Date.parse('2026-12-02T10:00:00Z'));
  const limited = new SedanoError('SEDANO_ERR_EMBEDDER_UNAVAILABLE', '429', { retryAfterMs: 60_000 });
  assert.equal(await fail(limited, Date.parse('2026-12-02T10:00:30Z')), 'REVOKED');
  assert.deepEqual(sent, []);
  assert.deepEqual(reported, [
    'REVOKED SEDANO_ERR_JOB_EXPIRED expired at 2026-12-02T10:00:30.000Z, before its retry at 2026-12-02T10:01:00.000Z; attempt 1: 429',
  ]);
});

test('retryAfterMs survives the way back from a worker thread', () => {
  const limited = new SedanoError('SEDANO_ERR_EMBEDDER_UNAVAILABLE', '429', { retryAfterMs: 7_000 });
  const rebuilt = fromPlainError(structuredClone(toPlainError(limited)));
  assert.ok(isSedanoError(rebuilt));
  assert.deepEqual(
    [rebuilt.code, rebuilt.retriable, rebuilt.retryAfterMs],
    ['SEDANO_ERR_EMBEDDER_UNAVAILABLE', true, 7_000],
  );
  assert.equal(retryAfterOf(rebuilt), 7_000);
});
