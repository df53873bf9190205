import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import {
  isRevoked,
  isShutdown,
  RevokedError,
  ShutdownError,
  TimeLimitError,
} from '../../../../../services/lib/runtime/abort-reasons.ts';
import { attemptOutcome } from '../../../../../services/lib/runtime/job-runner.ts';
import { fromPlainError, toPlainError } from '../../../../../services/lib/runtime/thread-messages.ts';
import { ThreadPool } from '../../../../../services/lib/runtime/thread-pool.ts';

const FIXTURE = new URL('./fixtures/thread-handler.ts', import.meta.url);

test('abort reasons carry their codes; shutdown is retriable, a revoke is not', () => {
  assert.equal(new RevokedError('no longer needed').code, 'SEDANO_ERR_JOB_REVOKED');
  assert.equal(new RevokedError('no longer needed').retriable, false);
  assert.equal(new ShutdownError().code, 'SEDANO_ERR_WORKER_SHUTDOWN');
  assert.equal(new ShutdownError().retriable, true);
  assert.equal(new TimeLimitError('soft', 5).code, 'SEDANO_ERR_JOB_TIME_LIMIT');
});

test('a reason rebuilt from plain data (another thread) is recognised by its code, not its class', () => {
  const revoked = fromPlainError(toPlainError(new RevokedError('revoked by ops')));
  const shutdown = fromPlainError(toPlainError(new ShutdownError()));
  assert.ok(!(revoked instanceof RevokedError) && !(shutdown instanceof ShutdownError));
  assert.ok(isRevoked(revoked) && !isShutdown(revoked));
  assert.ok(isShutdown(shutdown) && !isRevoked(shutdown));
  assert.equal(attemptOutcome(revoked), 'revoked');
  assert.equal(attemptOutcome(shutdown), 'shutdown');
  assert.equal(attemptOutcome({ code: 'SEDANO_ERR_JOB_REVOKED', message: 'a plain object' }), 'revoked');
  assert.equal(attemptOutcome(new TimeLimitError('hard', 5)), 'failed');
  assert.equal(attemptOutcome(new Error('SEDANO_ERR_JOB_REVOKED')), 'failed');
});

/** What a handler in a worker thread saw as its signal's reason when `reason` aborted its job. */
async function reasonSeenInThread(t: TestContext, reason: Error) {
  const pool = new ThreadPool({
    module: FIXTURE,
    size: 1,
    loggerName: 'abort-test',
    logger: pino({ level: 'silent' }),
  });
  t.after(() => pool.close());
  const controller = new AbortController();
  const result = await pool.run({
    job: { mode: 'report-abort' },
    jobId: 'job-1',
    attempt: 1,
    logBindings: {},
    signal: controller.signal,
    traceHeaders: {},
    onProgress: () => controller.abort(reason),
  });
  const { payload } = (result as { 'sedano.NoopResult': { payload: string } })['sedano.NoopResult'];
  const seen = JSON.parse(payload.replace(/ on thread \d+$/, '')) as Record<string, unknown>;
  return { ...seen, outcome: attemptOutcome(seen) };
}

test('a handler in a worker thread that is revoked, or shut down, sees the reason by its code', async (t) => {
  assert.deepEqual(await reasonSeenInThread(t, new RevokedError('revoked by ops')), {
    name: 'RevokedError',
    code: 'SEDANO_ERR_JOB_REVOKED',
    retriable: false,
    sedanoError: true,
    outcome: 'revoked',
  });
  assert.deepEqual(await reasonSeenInThread(t, new ShutdownError()), {
    name: 'ShutdownError',
    code: 'SEDANO_ERR_WORKER_SHUTDOWN',
    retriable: true,
    sedanoError: true,
    outcome: 'shutdown',
  });
});
