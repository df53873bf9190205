import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { isSedanoError } from '../../../../../services/lib/errors.ts';
import { RevokedError, TimeLimitError } from '../../../../../services/lib/runtime/abort-reasons.ts';
import { type ThreadJob, ThreadPool, type ThreadPoolOptions } from '../../../../../services/lib/runtime/thread-pool.ts';
import type { FixtureJob } from './fixtures/thread-handler.ts';
import { waitFor } from '../../../../support/wait.ts';

const FIXTURE = new URL('./fixtures/thread-handler.ts', import.meta.url);

function pool(t: TestContext, options: Partial<ThreadPoolOptions> = {}): ThreadPool {
  const created = new ThreadPool({
    module: FIXTURE,
    size: 1,
    loggerName: 'thread-pool-test',
    logger: pino({ level: 'silent' }),
    ...options,
  });
  t.after(() => created.close());
  return created;
}

function job(fields: FixtureJob, signal = new AbortController().signal, progress: unknown[] = []): ThreadJob {
  return {
    job: fields,
    jobId: 'job-1',
    attempt: 1,
    logBindings: {},
    signal,
    traceHeaders: {},
    onProgress: (...call) => progress.push(call),
  };
}

/** Records what a pool tells its metrics: `size n`, `replaced <reason>`. */
function recorder(): { events: ThreadPoolOptions['events']; seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    events: {
      size: (threads) => seen.push(`size ${threads}`),
      replaced: (reason) => seen.push(`replaced ${reason}`),
    },
  };
}

/** A job that aborts with `reason` once the thread has started it (its first progress). */
function abortedOnStart(fields: FixtureJob, reason: Error): ThreadJob {
  const controller = new AbortController();
  return { ...job(fields, controller.signal), onProgress: () => controller.abort(reason) };
}

/** The thread id a fixture job reports in its result. */
async function threadOf(promise: Promise<unknown>): Promise<string> {
  const result = (await promise) as { 'sedano.NoopResult': { payload: string } };
  return /thread (\d+)/.exec(result['sedano.NoopResult'].payload)?.[1] ?? '';
}

test('a job runs in a thread and its progress comes back', async (t) => {
  const threads = pool(t);
  const progress: unknown[] = [];
  const result = await threads.run(job({ mode: 'progress' }, undefined, progress));
  assert.match(JSON.stringify(result), /progress on thread \d+/);
  assert.deepEqual(progress, [
    [1, 3, 'step 1', null],
    [2, 3, 'step 2', null],
    [3, 3, 'step 3', null],
  ]);
  assert.deepEqual(threads.stats, { started: 1, recycled: 0, terminated: 0 });
});

test("maxYoungGenerationMb becomes each thread's young-generation limit", async (t) => {
  const result = JSON.stringify(await pool(t, { maxYoungGenerationMb: 8 }).run(job({ mode: 'limits' })));
  assert.match(result, /maxYoungGenerationSizeMb\\":8[,}]/);
});

test("maxOldGenerationMb becomes each thread's old-generation limit", async (t) => {
  const result = JSON.stringify(await pool(t, { maxOldGenerationMb: 640 }).run(job({ mode: 'limits' })));
  assert.match(result, /maxOldGenerationSizeMb\\":640[,}]/);
});

test('an error crosses the thread with its code and retriable flag', async (t) => {
  const threads = pool(t);
  const error = await threads.run(job({ mode: 'fail' })).catch((caught: unknown) => caught);
  assert.ok(isSedanoError(error));
  assert.equal(error.code, 'SEDANO_ERR_JOB_FAILED');
  assert.equal(error.retriable, true);
  assert.equal(error.message, 'failed on purpose');
});

test('the event loop stays free while a thread computes', async (t) => {
  const threads = pool(t);
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 10);
  await threads.run(job({ mode: 'stubborn', ms: 500 }));
  clearInterval(timer);
  assert.ok(ticks >= 5, `the main thread ticked ${ticks} times during a 500 ms computation`);
});

test('a thread is replaced after maxJobsPerThread jobs', async (t) => {
  const { events, seen } = recorder();
  const threads = pool(t, { maxJobsPerThread: 2, events });
  const ids = [];
  for (let n = 0; n < 5; n += 1) ids.push(await threadOf(threads.run(job({ mode: 'echo' }))));
  assert.equal(ids[0], ids[1]);
  assert.notEqual(ids[1], ids[2]);
  assert.equal(ids[2], ids[3]);
  assert.notEqual(ids[3], ids[4]);
  assert.deepEqual(threads.stats, { started: 3, recycled: 2, terminated: 0 });
  assert.equal(seen.filter((event) => event === 'replaced max-jobs').length, 2);
  assert.equal(seen.at(-1), 'size 1', 'one thread again, each time');
  assert.ok(
    seen.every((event) => event !== 'size 2'),
    'a replaced thread leaves before the next starts',
  );
});

test('a thread is replaced after a job that leaves its heap above maxHeapMb', async (t) => {
  const threads = pool(t, { maxHeapMb: 40 });
  const first = await threadOf(threads.run(job({ mode: 'grow', megabytes: 8 })));
  assert.equal(await threadOf(threads.run(job({ mode: 'echo' }))), first, 'below the ceiling the thread stays');
  await threads.run(job({ mode: 'grow', megabytes: 64 }));
  assert.notEqual(await threadOf(threads.run(job({ mode: 'echo' }))), first);
  assert.equal(threads.stats.recycled, 1);
});

test('an abort reaches a cooperative handler, whose thread is kept', async (t) => {
  const threads = pool(t);
  const running = threads.run(abortedOnStart({ mode: 'cooperative' }, new RevokedError('no longer needed')));
  await assert.rejects(running, { name: 'RevokedError', message: 'no longer needed' });
  await threads.run(job({ mode: 'echo' }));
  assert.deepEqual(threads.stats, { started: 1, recycled: 0, terminated: 0 });
});

test('a handler that ignores its abort is terminated after the grace period; the pool goes on', async (t) => {
  const { events, seen } = recorder();
  const threads = pool(t, { abortGraceMs: 200, events });
  const running = threads.run(abortedOnStart({ mode: 'stubborn', ms: 60_000 }, new RevokedError('stop')));
  await assert.rejects(running, { name: 'RevokedError' });
  assert.equal(threads.stats.terminated, 1);
  assert.deepEqual(seen, ['size 1', 'replaced did-not-stop', 'size 0']);
  await threads.run(job({ mode: 'echo' }));
  assert.equal(threads.stats.started, 2);
});

test('the hard time limit terminates the thread at once, whatever the grace period', async (t) => {
  const { events, seen } = recorder();
  const threads = pool(t, { abortGraceMs: 60_000, events });
  const running = threads.run(abortedOnStart({ mode: 'stubborn', ms: 60_000 }, new TimeLimitError('hard', 100)));
  await assert.rejects(running, { name: 'TimeLimitError', code: 'SEDANO_ERR_JOB_TIME_LIMIT' });
  assert.equal(threads.stats.terminated, 1);
  assert.ok(seen.includes('replaced hard-time-limit'), seen.join(', '));
});

test('jobs beyond the pool size wait for a free thread', async (t) => {
  const threads = pool(t, { size: 2 });
  const ids = await Promise.all(Array.from({ length: 6 }, () => threadOf(threads.run(job({ mode: 'echo' })))));
  assert.equal(new Set(ids).size, 2);
  assert.equal(threads.stats.started, 2);
});

test('a module without a handler export fails with a clear error', async (t) => {
  const threads = pool(t, { module: new URL('./fixtures/no-handler.ts', import.meta.url) });
  await assert.rejects(threads.run(job({ mode: 'echo' })), /did not load in a worker thread/);
});

test('a job aborted while its thread starts never runs; the thread is kept', async (t) => {
  const threads = pool(t);
  const controller = new AbortController();
  const running = threads.run(job({ mode: 'stubborn', ms: 60_000 }, controller.signal));
  controller.abort(new RevokedError('revoked before it started'));
  await assert.rejects(running, { message: 'revoked before it started' });
  await threads.run(job({ mode: 'echo' }));
  assert.deepEqual(threads.stats, { started: 1, recycled: 0, terminated: 0 });
});

test('a thread that dies between jobs leaves the pool; the next job gets a new one', async (t) => {
  const threads = pool(t);
  const first = await threadOf(threads.run(job({ mode: 'exit-later' })));
  await waitFor(() => threads.size === 0, { description: 'the dead thread left the pool' });
  assert.notEqual(await threadOf(threads.run(job({ mode: 'echo' }))), first);
  assert.equal(threads.stats.started, 2);
});
