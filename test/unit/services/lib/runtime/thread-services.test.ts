import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { isSedanoError, SedanoError } from '../../../../../services/lib/errors.ts';
import type { ThreadServices } from '../../../../../services/lib/runtime/stage.ts';
import { ThreadPool } from '../../../../../services/lib/runtime/thread-pool.ts';
import type { ThreadServicesFactory } from '../../../../../services/lib/runtime/thread-services.ts';
import type { ServicesFixtureJob } from './fixtures/services-handler.ts';

const FIXTURE = new URL('./fixtures/services-handler.ts', import.meta.url);

/** A pool of the fixture's threads over `services`. */
function poolWith(services: ThreadServicesFactory, size: number): ThreadPool {
  return new ThreadPool({
    module: FIXTURE,
    size,
    loggerName: 'services-test',
    logger: pino({ level: 'silent' }),
    services,
  });
}

function run(pool: ThreadPool, job: ServicesFixtureJob) {
  return pool.run({
    job,
    jobId: 'job-1',
    attempt: 1,
    logBindings: {},
    signal: new AbortController().signal,
    traceHeaders: {},
    onProgress: () => undefined,
  });
}

const payload = (result: unknown) =>
  JSON.parse((result as { 'sedano.NoopResult': { payload: string } })['sedano.NoopResult'].payload) as unknown;

test('threads call the services in the main thread, opened once on the first call and closed with the pool', async () => {
  const events: string[] = [];
  let opened = 0;
  const services = async (): Promise<ThreadServices> => {
    opened += 1;
    events.push('open');
    return {
      methods: {
        sum: async (...numbers: number[]) => numbers.reduce((total, n) => total + n, 0),
        refuse: async () => {
          throw new SedanoError('SEDANO_ERR_JOB_FAILED', 'refused on purpose', { retriable: false });
        },
      },
      close: async () => {
        events.push('close');
      },
    };
  };
  const pool = poolWith(services, 2);
  try {
    const answers = await Promise.all([
      run(pool, { method: 'sum', args: [1, 2, 3] }),
      run(pool, { method: 'sum', args: [40, 2] }),
    ]);
    assert.deepEqual(answers.map(payload), [6, 42]);
    assert.equal(opened, 1, 'one instance for every thread');
    const refused = await run(pool, { method: 'refuse', args: [] }).catch((error: unknown) => error);
    assert.ok(isSedanoError(refused), 'the error crosses back with its code');
    assert.equal(refused.code, 'SEDANO_ERR_JOB_FAILED');
    assert.equal(refused.retriable, false);
    const unknown = await run(pool, { method: 'nothing', args: [] }).catch((error: unknown) => error);
    assert.match(String(unknown), /no thread service method "nothing"/);
  } finally {
    await pool.close();
  }
  assert.deepEqual(events, ['open', 'close']);
});

test('a failed open is tried again on the next call', async () => {
  let attempts = 0;
  const services = async (): Promise<ThreadServices> => {
    attempts += 1;
    if (attempts === 1) throw new Error('store unreachable');
    return { methods: { ping: async () => 'pong' }, close: async () => undefined };
  };
  const pool = poolWith(services, 1);
  try {
    await assert.rejects(run(pool, { method: 'ping', args: [] }), /store unreachable/);
    assert.equal(payload(await run(pool, { method: 'ping', args: [] })), 'pong');
  } finally {
    await pool.close();
  }
});
