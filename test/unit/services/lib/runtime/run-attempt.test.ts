import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { pino } from 'pino';
import { runAttempt } from '../../../../../services/lib/runtime/run-attempt.ts';
import type { JobContext, StageResult } from '../../../../../services/lib/runtime/stage.ts';

const result: StageResult = { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };

function contextFor(controller: AbortController): JobContext<null> {
  return {
    job: null,
    jobId: 'j',
    attempt: 1,
    signal: controller.signal,
    logger: pino({ level: 'silent' }),
    progress: () => {},
  };
}

test('a handler within its limits returns its result', async () => {
  const controller = new AbortController();
  const value = await runAttempt(async () => result, contextFor(controller), controller, {
    softTimeLimitMs: 1_000,
    hardTimeLimitMs: 2_000,
  });
  assert.deepEqual(value, result);
  assert.equal(controller.signal.aborted, false);
});

test('the soft limit aborts the signal and the attempt fails with a time-limit error', async () => {
  const controller = new AbortController();
  await assert.rejects(
    runAttempt(
      async ({ signal }) => {
        await sleep(5_000, undefined, { signal });
        return result;
      },
      contextFor(controller),
      controller,
      { softTimeLimitMs: 20, hardTimeLimitMs: undefined },
    ),
    { code: 'SEDANO_ERR_JOB_TIME_LIMIT', retriable: false, message: /soft time limit of 20 ms/ },
  );
});

test('the hard limit fails an attempt whose handler ignores its signal', async () => {
  const controller = new AbortController();
  const started = performance.now();
  await assert.rejects(
    runAttempt(
      async () => {
        await sleep(300);
        return result;
      },
      contextFor(controller),
      controller,
      { softTimeLimitMs: 10, hardTimeLimitMs: 50 },
    ),
    { code: 'SEDANO_ERR_JOB_TIME_LIMIT', message: /hard time limit of 50 ms/ },
  );
  assert.ok(performance.now() - started < 250, 'failed at the hard limit, not when the handler returned');
});

test('an abort for another reason (revoke, shutdown) surfaces as that reason', async () => {
  const controller = new AbortController();
  const reason = new Error('revoked by ops');
  setTimeout(() => controller.abort(reason), 10);
  await assert.rejects(
    runAttempt(
      async ({ signal }) => {
        await sleep(5_000, undefined, { signal });
        return result;
      },
      contextFor(controller),
      controller,
      { softTimeLimitMs: undefined, hardTimeLimitMs: undefined },
    ),
    (error) => error === reason,
  );
});
