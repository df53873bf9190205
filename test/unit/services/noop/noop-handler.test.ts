import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoopRequest } from '../../../../schemas/noop-request.ts';
import type { JobContext } from '../../../../services/lib/runtime/stage.ts';
import { noopHandler } from '../../../../services/noop/noop-handler.ts';
import { noopRequestSample } from '../../schemas/samples.ts';

/** Runs the handler (never failing) on `job`; resolves with the progress it reported. */
async function progressOf(job: NoopRequest): Promise<string[]> {
  const reported: string[] = [];
  const context: JobContext<NoopRequest> = {
    job,
    jobId: job.header.jobId,
    attempt: 1,
    signal: new AbortController().signal,
    logger: undefined as never,
    progress: (current, total, message) => void reported.push(`${current}/${total} ${message}`),
  };
  await noopHandler(() => 1)(context);
  return reported;
}

test('a noop job that waits reports its progress: sleeping, spinning, done', async () => {
  const progress = await progressOf({ ...noopRequestSample, sleepMs: 5, cpuSpinMs: 1 });
  assert.deepEqual(progress, ['0/6 sleeping', '5/6 spinning', '6/6 done']);
});

test('a noop job with nothing to do reports no progress (0 of 0 says nothing)', async () => {
  assert.deepEqual(await progressOf({ ...noopRequestSample, sleepMs: 0, cpuSpinMs: 0 }), []);
});
