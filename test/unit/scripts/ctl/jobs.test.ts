import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  batchRevokedLine,
  failedDocumentLines,
  formatJob,
  type JobReply,
  listQuery,
  submissionBody,
  submittedLine,
} from '../../../../scripts/ctl/jobs.ts';
import { UsageError } from '../../../../scripts/ctl/output.ts';
import { isYes } from '../../../../scripts/ctl/purge.ts';
import { newestDeadLetters, type DeadLetterSummary } from '../../../../scripts/ctl/dlq.ts';

test('submit: the payload as JSON (default {}), the stage checked, the priority upper-cased', () => {
  assert.deepEqual(submissionBody('noop', {}), { stage: 'noop', payload: {} });
  assert.deepEqual(submissionBody('NOOP', { payload: '{"sleepMs":5}', priority: 'high', batchId: 'b' }), {
    stage: 'noop',
    payload: { sleepMs: 5 },
    priority: 'HIGH',
    batchId: 'b',
  });
  assert.deepEqual(submissionBody('noop', { payloadFile: 'p.json' }, '/', () => '{"cpuSpinMs":1}').payload, {
    cpuSpinMs: 1,
  });
  assert.throws(() => submissionBody('noop', { payload: '{' }), UsageError);
  assert.throws(() => submissionBody('cooking', {}), /unknown stage "cooking"/);
  assert.throws(() => submissionBody('noop', { priority: 'urgent' }), /--priority/);
});

test('submit: --payload-file is read from the directory given (where the user ran the command)', () => {
  const read: string[] = [];
  const readFile = (path: string) => (read.push(path), '{}');
  submissionBody('noop', { payloadFile: 'jobs/p.json' }, '/home/me', readFile);
  submissionBody('noop', { payloadFile: '/srv/p.json' }, '/home/me', readFile);
  assert.deepEqual(read, ['/home/me/jobs/p.json', '/srv/p.json']);
});

test('submit: a --payload-file that cannot be read, or is not JSON, is a usage error naming it', () => {
  const missing = () => {
    throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
  };
  assert.throws(
    () => submissionBody('noop', { payloadFile: 'p.json' }, '/home/me', missing),
    (error) =>
      error instanceof UsageError && error.message === '--payload-file: cannot read "/home/me/p.json" (ENOENT)',
  );
  assert.throws(
    () => submissionBody('noop', { payloadFile: 'p.json' }, '/home/me', () => '{'),
    (error) => error instanceof UsageError && error.message === '--payload-file: "/home/me/p.json" is not valid JSON',
  );
});

test("submit: --countdown as a duration (Celery's countdown), --not-before as an ISO time or ms (its eta)", () => {
  assert.equal(submissionBody('noop', { countdown: '30s' })['countdownMs'], 30_000);
  assert.equal(submissionBody('noop', { countdown: '1500' })['countdownMs'], 1_500);
  assert.equal(submissionBody('noop', { notBefore: '2026-12-03T09:00:00Z' })['notBefore'], Date.UTC(2026, 11, 3, 9));
  assert.equal(submissionBody('noop', { notBefore: '1796292000000' })['notBefore'], 1_796_292_000_000);
  assert.equal(
    submissionBody('noop', { notBefore: '2026-12-03T10:00:00+01:00' })['notBefore'],
    Date.UTC(2026, 11, 3, 9),
  );
  assert.throws(() => submissionBody('noop', { countdown: 'soon' }), /--countdown/);
  assert.throws(() => submissionBody('noop', { countdown: '31d' }), /--countdown: a duration up to 30d/);
  assert.throws(() => submissionBody('noop', { notBefore: 'tomorrow' }), /--not-before/);
  assert.throws(
    () => submissionBody('noop', { notBefore: '2026-12-03T09:00:00' }),
    /--not-before: an ISO 8601 time with its zone/,
    'a time without a zone is not read as local time',
  );
  assert.throws(() => submissionBody('noop', { countdown: '5s', notBefore: '1' }), /not both/);
  assert.equal(submittedLine({ jobId: 'j', created: true, notBefore: null }), 'submitted: j');
  assert.equal(
    submittedLine({ jobId: 'j', created: true, notBefore: Date.UTC(2026, 11, 3, 9) }),
    'submitted: j (due at 2026-12-03T09:00:00.000Z)',
  );
});

test("submit: --expires as a duration, --expires-at as an ISO time or ms (Celery's expires)", () => {
  assert.equal(submissionBody('noop', { expires: '10m' })['expiresInMs'], 600_000);
  assert.equal(submissionBody('noop', { expiresAt: '2026-12-03T09:00:00Z' })['expiresAt'], Date.UTC(2026, 11, 3, 9));
  assert.equal(submissionBody('noop', { expiresAt: '1796292000000' })['expiresAt'], 1_796_292_000_000);
  assert.throws(() => submissionBody('noop', { expires: 'later' }), /--expires: a duration/);
  assert.throws(() => submissionBody('noop', { expires: '0' }), /--expires: a duration/);
  assert.throws(() => submissionBody('noop', { expiresAt: '2026-12-03T09:00:00' }), /--expires-at: an ISO 8601 time/);
  assert.throws(() => submissionBody('noop', { expires: '5s', expiresAt: '1' }), /--expires or --expires-at/);
  const body = submissionBody('noop', { countdown: '5s', expires: '1m' });
  assert.deepEqual([body['countdownMs'], body['expiresInMs']], [5_000, 60_000], 'a countdown and an expiry together');
  assert.equal(
    submittedLine({
      jobId: 'j',
      created: true,
      notBefore: Date.UTC(2026, 11, 3, 9),
      expiresAt: Date.UTC(2026, 11, 3, 10),
    }),
    'submitted: j (due at 2026-12-03T09:00:00.000Z, expires at 2026-12-03T10:00:00.000Z)',
  );
  assert.equal(submittedLine({ jobId: 'j', created: true, notBefore: null, expiresAt: null }), 'submitted: j');
});

test('list: filters become the query string, checked first', () => {
  assert.equal(listQuery({}), '');
  assert.equal(listQuery({ limit: '10' }, true), '?limit=10&fields=summary', 'the table asks for no results');
  assert.equal(listQuery({ state: 'success', stage: 'noop', limit: '10' }), '?state=SUCCESS&stage=noop&limit=10');
  assert.equal(
    listQuery({ search: 'annual report.pdf', worker: 'noop-worker-1' }),
    '?q=annual+report.pdf&workerId=noop-worker-1',
    '--search and --worker',
  );
  assert.throws(() => listQuery({ state: 'DONE' }), /--state/);
  assert.throws(() => listQuery({ limit: '0' }), /--limit/);
});

test('list: --stage maintenance is accepted, as GET /v1/jobs?stage=maintenance is', () => {
  assert.equal(listQuery({ stage: 'Maintenance' }), '?stage=maintenance');
  assert.throws(() => listQuery({ stage: 'cooking' }), /unknown stage "cooking"; stages: .*maintenance/);
});

const failedJob: JobReply = {
  jobId: 'a0000000-0000-4000-8000-000000000001',
  jobType: 'NOOP',
  stage: 'NOOP',
  state: 'FAILURE',
  sequence: 9,
  attempt: 3,
  progress: { current: 1, total: 2, percent: 50, message: null, details: null },
  result: null,
  error: { code: 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED', type: 'Error', message: '3 attempts failed', retriable: true },
  submittedAt: 1_000,
  startedAt: 2_000,
  finishedAt: 5_000,
  nextAttemptAt: null,
  occurredAt: 5_000,
  updatedAt: 5_000,
  batchId: null,
  parentJobId: null,
  workerId: 'noop@a:1',
  traceId: 't',
  expiresAt: null,
  payloadPreview: null,
  traceUrl: 'http://jaeger/trace/t',
};

test('a job reads as its state, progress, payload, error and trace', () => {
  assert.ok(!formatJob(failedJob, 6_000).some((line) => line.startsWith('payload')), 'no line without a preview');
  const lines = formatJob({ ...failedJob, payloadPreview: '{"sleepMs":5}' }, 6_000);
  assert.ok(lines.includes('payload   {"sleepMs":5}'));
  assert.ok(lines.includes('state     FAILURE (attempt 3)'));
  assert.ok(lines.includes('progress  1/2 (50%)'));
  assert.ok(lines.includes('error     SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED: 3 attempts failed'));
  assert.ok(lines.some((line) => line.startsWith('finished  ') && line.endsWith('(ran 3.0s)')));
  assert.ok(lines.includes('trace     http://jaeger/trace/t'));
});

test("a delayed job's due time reads as such; a retry's next attempt as a retry", () => {
  const pending: JobReply = {
    ...failedJob,
    state: 'PENDING',
    attempt: 0,
    progress: null,
    error: null,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: Date.UTC(2026, 11, 3, 9),
    workerId: null,
  };
  assert.ok(formatJob(pending, 2_000).includes('due at    2026-12-03T09:00:00.000Z'));
  assert.ok(formatJob({ ...pending, state: 'RETRY' }, 2_000).includes('retry at  2026-12-03T09:00:00.000Z'));
  const waiting = formatJob({ ...pending, state: 'RETRY', startedAt: 1_000, occurredAt: 1_400 }, 60_000);
  assert.ok(waiting.includes('failed    1970-01-01T00:00:01.400Z (ran 400ms)'), waiting.join('\n'));
  assert.ok(!waiting.some((line) => line.startsWith('running')), 'not running while it waits for its retry');
  const expiring = formatJob({ ...pending, expiresAt: Date.UTC(2026, 11, 3, 10) }, 2_000);
  assert.ok(expiring.includes('expires   2026-12-03T10:00:00.000Z'));
  assert.ok(!formatJob(pending, 2_000).some((line) => line.startsWith('expires')), 'no line without an expiry');
});

test('purge confirmation: only y or yes', () => {
  for (const yes of ['y', 'Y', 'yes', ' YES ']) assert.equal(isYes(yes), true, yes);
  for (const no of ['', 'n', 'no', 'yep', 'sure']) assert.equal(isYes(no), false, no);
});

test('dead letters: newest first, at most the limit', () => {
  const entry = (id: string, failedAt: number | null): DeadLetterSummary => ({
    id,
    failedAt,
    jobId: null,
    sourceTopic: null,
    errorCode: null,
    reason: 'r',
    attempts: null,
  });
  assert.deepEqual(
    newestDeadLetters([entry('0-1', 10), entry('1-5', 30), entry('2-0', 20), entry('0-2', null)], 2).map((e) => e.id),
    ['1-5', '2-0'],
  );
});

test("watch: a succeeded job's failed documents are listed, at most five", () => {
  assert.deepEqual(failedDocumentLines(null), []);
  assert.deepEqual(failedDocumentLines({ sleptMs: 1 }), []);
  assert.deepEqual(failedDocumentLines({ documents: [], failed: [] }), []);
  const failed = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      source: `d${i}.pdf`,
      code: 'SEDANO_ERR_DOCUMENT_NOT_FOUND',
      reason: 'gone',
    }));
  assert.deepEqual(failedDocumentLines({ failed: failed(1) }), [
    '1 document(s) failed:',
    '  d0.pdf: SEDANO_ERR_DOCUMENT_NOT_FOUND: gone',
  ]);
  const many = failedDocumentLines({ failed: failed(7) });
  assert.equal(many.length, 7);
  assert.equal(many.at(-1), '  … and 2 more (2 listed by jobs get)');
  // An indexing result whose size budget left failures out of its list counts them.
  const cut = failedDocumentLines({ failed: failed(7), failedOmitted: 993 });
  assert.equal(cut[0], '1000 document(s) failed:');
  assert.equal(cut.at(-1), '  … and 995 more (2 listed by jobs get)');
  assert.equal(
    failedDocumentLines({ failed: failed(3), failedOmitted: 4 }).at(-1),
    '  … and 4 more (counted, not listed)',
  );
});

test("submit: time limits by Celery's names (--soft-time-limit, --time-limit) and --max-attempts", () => {
  assert.deepEqual(submissionBody('noop', { softTimeLimit: '30s', timeLimit: '1m', maxAttempts: '5' }), {
    stage: 'noop',
    payload: {},
    softTimeLimitMs: 30_000,
    hardTimeLimitMs: 60_000,
    retryPolicy: { maxAttempts: 5 },
  });
  assert.throws(() => submissionBody('noop', { timeLimit: 'soon' }), /--time-limit: a duration/);
  assert.throws(() => submissionBody('noop', { softTimeLimit: '0' }), /--soft-time-limit: a duration/);
  for (const bad of ['0', '1.5', 'x']) {
    assert.throws(() => submissionBody('noop', { maxAttempts: bad }), /--max-attempts: a whole number of at least 1/);
  }
});

test('revoke --batch: what was revoked, what had ended, and a repeat asked for jobs the view has not shown yet', () => {
  const reply = { batchId: 'b1', revoked: 3, alreadyEnded: 1, notYetInView: 0 };
  assert.equal(batchRevokedLine(reply), 'batch b1: 3 job(s) revoked, 1 already ended');
  assert.equal(
    batchRevokedLine({ ...reply, notYetInView: 2 }),
    'batch b1: 3 job(s) revoked, 1 already ended; 2 not in the view yet: run it again',
  );
});
