/**
 * Redis stops in the middle of a run and comes back: the worker's reads before a job, and its
 * ledger writes after one, fail for a while. That is Redis failing, not the job: every job ends
 * in SUCCESS, each handler runs once, no RETRY is reported and no attempt is used up, and the
 * status projector's view catches up. Before the fix (job-runner.ts) a failed Redis call counted
 * as the attempt's failure: one 10 s outage ran 244 of 300 jobs twice, each reported RETRY
 * after its SUCCESS. The same holds when Redis hangs instead (SIGSTOP, as a machine that stalls):
 * the connections stay open and every call waits, for as long as it lasts. Redis can only be
 * stopped when it is the local stack's (saved on the way down, so the system from `npm start`
 * keeps its view).
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { defineStage } from '../../../services/lib/runtime/stage.ts';
import { createStatusView } from '../../../services/lib/status-view.ts';
import { startStatusProjector } from '../../../services/status-projector/projector.ts';
import { countingLogger } from '../../support/counting-logger.ts';
import { faultTestOptions, freezeFault, type StackFault, stopFault } from '../../support/stack-faults.ts';
import { endpoints, kafkaClient, onCleanup, uniqueName } from '../../support/resources.ts';
import { waitFor } from '../../support/wait.ts';
import { stageSandbox } from '../services/lib/runtime/stage-sandbox.ts';

/**
 * Jobs running when Redis stops (the stage's concurrency: they end, and write the ledger, during
 * the outage), and jobs submitted during it (the worker has room, so it reads their ledger then).
 */
const JOBS_RUNNING = 8;
const JOBS_DURING = 200;
const JOBS = JOBS_RUNNING + JOBS_DURING;
/** How long the running jobs run: long enough to be running when Redis stops, not past the outage. */
const RUNNING_MS = 2_000;
/** Longer than a worker's Redis command waits for a connection (the sandbox's: 3 reconnections). */
const OUTAGE_MS = 8_000;
/** A fault of Redis: it begins once the first jobs run, and ends `OUTAGE_MS` later. */
interface RedisFault extends StackFault {
  /** The runtime logs these (Redis's calls fail and are tried again), or says nothing (they wait). */
  failsCalls: boolean;
}

const restart: RedisFault = { ...stopFault('redis'), failsCalls: true };
const freeze: RedisFault = { ...freezeFault('redis'), failsCalls: false };
const options = faultTestOptions('redis');

test('a Redis restart in the middle of a run: every job ends once, in SUCCESS, with no retry', options, (t) =>
  throughRedisFault(t, restart),
);

test('Redis hanging in the middle of a run: every job waits for it, then ends once, in SUCCESS', options, (t) =>
  throughRedisFault(t, freeze),
);

async function throughRedisFault(t: TestContext, fault: RedisFault): Promise<void> {
  const sandbox = await stageSandbox(t);
  const runs = new Map<string, number>();
  const log = countingLogger();
  const { logger, said } = log;
  const runtime = await sandbox.start(
    defineStage({
      stage: 'noop',
      handler: async ({ jobId, job }) => {
        runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, job.sleepMs));
        return { 'sedano.NoopResult': { sleptMs: job.sleepMs, spunMs: 0, payload: null } };
      },
      options: { concurrency: JOBS_RUNNING },
    }),
    uniqueName('worker'),
    { logger },
  );
  // The status projector over the sandbox's status topic, with a view of its own in the
  // sandbox's namespace (its transactions WATCH keys: a connection of its own).
  const viewRedis = new Redis(endpoints().redisUrl, { maxRetriesPerRequest: 3 });
  viewRedis.on('error', () => {});
  onCleanup(t, () => viewRedis.disconnect());
  const view = createStatusView({ redis: viewRedis, keys: sandbox.keys.status });
  const projector = await startStatusProjector({
    kafka: kafkaClient(),
    codec: sandbox.codec,
    view,
    logger: pino({ level: 'silent' }),
    names: sandbox.names,
    topic: sandbox.topics.status,
    groupId: uniqueName('redis-restart-projector'),
  });
  onCleanup(t, () => projector.close());

  const submit = async (count: number, sleepMs: number) =>
    (await sandbox.submitMany(Array.from({ length: count }, () => ({ sleepMs })))).map((job) => job.header.jobId);
  const jobIds = await submit(JOBS_RUNNING, RUNNING_MS);
  await waitFor(() => runs.size === JOBS_RUNNING, { description: `the first ${JOBS_RUNNING} jobs running` });

  const stoppedAt = Date.now();
  await fault.begin(t);
  jobIds.push(...(await submit(JOBS_DURING, 10)));
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - stoppedAt)));
  const ranDuringOutage = runs.size;
  await fault.end();
  t.diagnostic(`the fault lasted ${Date.now() - stoppedAt} ms; ${ranDuringOutage} of ${JOBS} jobs had run by then`);

  const states = await sandbox.untilEnded(jobIds, {
    timeoutMs: 240_000,
    onEnd: (ended) =>
      t.diagnostic(
        `${ended} of ${JOBS} jobs ended; the runtime is ${runtime.state}, ${runtime.inFlight} in flight; ` +
          `it said: ${log.summary()}`,
      ),
  });
  assert.deepEqual(new Set(states), new Set(['SUCCESS']));

  const runCounts = [...runs.values()];
  t.diagnostic(`${runCounts.reduce((sum, count) => sum + count, 0)} handler runs for ${JOBS} jobs`);
  assert.equal(runs.size, JOBS);
  assert.deepEqual(
    runCounts.filter((count) => count > 1),
    [],
    'no handler ran twice: Kafka never failed, so nothing needed a second run',
  );
  const triedAgain = (message: string) => (said.get(message) ?? 0) > 0;
  assert.equal(
    triedAgain('job not processed; trying again'),
    fault.failsCalls,
    'reads before a job failed and were tried again in place (only when Redis refused them)',
  );
  assert.equal(
    triedAgain('the job ended, but the ledger could not remember it; trying again'),
    fault.failsCalls,
    'ledger writes after a job failed and were tried again on their own (only when Redis refused them)',
  );
  const events = await sandbox.allEvents();
  const retried = events.filter((event) => event.state === 'RETRY' || event.state === 'FAILURE');
  assert.deepEqual(retried, [], 'no RETRY or FAILURE reported for a Redis outage');

  await waitFor(
    async () => {
      const shown = await Promise.all(jobIds.map((jobId) => view.get(jobId)));
      return shown.every((job) => job?.state === 'SUCCESS');
    },
    { description: 'the projector showing every job SUCCESS after the fault', timeoutMs: 60_000 },
  );
}
