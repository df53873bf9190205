import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoopRequest } from '../../../../schemas/noop-request.ts';
import type { JobContext } from '../../../../services/lib/runtime/stage.ts';
import { noopHandler } from '../../../../services/noop/noop-handler.ts';
import { noopRequestSample } from '../../schemas/samples.ts';

/** Runs the handler (never failing) on `job`; resolves with its result and the progress it reported. */
async function run(job: NoopRequest) {
  const reported: string[] = [];
  const context: JobContext<NoopRequest> = {
    job,
    jobId: job.header.jobId,
    attempt: 1,
    signal: new AbortController().signal,
    logger: undefined as never,
    progress: (current, total, message) => void reported.push(`${current}/${total} ${message}`),
  };
  const result = await noopHandler(() => 1)(context);
  return { result, reported };
}

const progressOf = async (job: NoopRequest) => (await run(job)).reported;

test('a noop job that waits reports its progress: sleeping, spinning, done', async () => {
  const progress = await progressOf({ ...noopRequestSample, sleepMs: 5, cpuSpinMs: 1 });
  assert.deepEqual(progress, ['0/6 sleeping', '5/6 spinning', '6/6 done']);
});

test('a noop job with nothing to do reports no progress (0 of 0 says nothing)', async () => {
  assert.deepEqual(await progressOf({ ...noopRequestSample, sleepMs: 0, cpuSpinMs: 0 }), []);
});

test('a noop job asked for no spin reports none, even when the clock ticks', async (t) => {
  let now = 1_000;
  // Every read of the clock a millisecond later than the one before.
  t.mock.method(Date, 'now', () => (now += 1));
  const { result } = await run({ ...noopRequestSample, sleepMs: 0, cpuSpinMs: 0, payload: 'x' });
  assert.deepEqual(result, { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: 'x' } });
});
