/**
 * The schema registry goes away while jobs wait for a worker that has never read one: the
 * worker cannot fetch the schema their records were written with, nor register the one its
 * status events are written with, and neither can the status projector. That is the registry
 * failing, not the records: none is dead-lettered, every job waits and then ends once, in
 * SUCCESS, and the view shows it. Both ways the registry can fail: stopped (its connections
 * are refused, and a lookup gives up after its retries) and hung (SIGSTOP: every call waits
 * until the client's timeout). The registry can only be stopped when it is the local stack's.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { createCodec } from '../../../services/lib/codec.ts';
import { defineStage } from '../../../services/lib/runtime/stage.ts';
import { createStatusView } from '../../../services/lib/status-view.ts';
import { startStatusProjector } from '../../../services/status-projector/projector.ts';
import { countingLogger } from '../../support/counting-logger.ts';
import { faultTestOptions, freezeFault, type StackFault, stopFault } from '../../support/stack-faults.ts';
import { endpoints, kafkaClient, onCleanup, schemaRegistry, uniqueName } from '../../support/resources.ts';
import { waitFor } from '../../support/wait.ts';
import { stageSandbox } from '../services/lib/runtime/stage-sandbox.ts';

const JOBS = 50;
const options = faultTestOptions('schema-registry');

test('a stopped schema registry: jobs wait for it, none is dead-lettered, each ends once in SUCCESS', options, (t) =>
  throughRegistryFault(t, stopFault('schema-registry')),
);

test('a hung schema registry: jobs wait for it, none is dead-lettered, each ends once in SUCCESS', options, (t) =>
  throughRegistryFault(t, freezeFault('schema-registry')),
);

/** The fault begins before the worker starts, and ends once the worker has felt it. */
async function throughRegistryFault(t: TestContext, fault: StackFault): Promise<void> {
  const sandbox = await stageSandbox(t);
  // The jobs are written (their schema registered) while the registry is up; nothing has read them.
  const jobIds = (await sandbox.submitMany(Array.from({ length: JOBS }, () => ({ sleepMs: 0 })))).map(
    (job) => job.header.jobId,
  );

  // The projector starts before the fault, on a codec that has fetched nothing yet.
  const viewRedis = new Redis(endpoints().redisUrl, { maxRetriesPerRequest: 3 });
  viewRedis.on('error', () => {});
  onCleanup(t, () => viewRedis.disconnect());
  const view = createStatusView({ redis: viewRedis, keys: sandbox.keys.status });
  const projectorLog = countingLogger();
  const projector = await startStatusProjector({
    kafka: kafkaClient(),
    codec: createCodec({ registry: schemaRegistry() }),
    view,
    logger: projectorLog.logger,
    names: sandbox.names,
    topic: sandbox.topics.status,
    groupId: uniqueName('registry-outage-projector'),
  });
  onCleanup(t, () => projector.close());

  const faultBegan = Date.now();
  await fault.begin(t);
  // The worker starts during the fault, with a codec of its own: the records' schema and its
  // status events' schema are both unknown to it.
  const runs = new Map<string, number>();
  const workerLog = countingLogger();
  const runtime = await sandbox.start(
    defineStage({
      stage: 'noop',
      handler: ({ jobId, job }) => {
        runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
        return Promise.resolve({ 'sedano.NoopResult': { sleptMs: job.sleepMs, spunMs: 0, payload: null } });
      },
      options: { concurrency: 8 },
    }),
    uniqueName('worker'),
    { logger: workerLog.logger, codec: createCodec({ registry: schemaRegistry() }) },
  );
  // The fault ends once the worker has felt it: a job not processed for want of the registry.
  await waitFor(() => workerLog.saidStartingWith('job not processed') > 0, {
    description: 'the worker failing to process a job for want of the registry',
    timeoutMs: 120_000,
    intervalMs: 100,
  });
  const ranDuringFault = runs.size;
  await fault.end();
  t.diagnostic(`the fault lasted ${Date.now() - faultBegan} ms; ${ranDuringFault} of ${JOBS} handlers ran during it`);

  const states = await sandbox.untilEnded(jobIds, {
    timeoutMs: 180_000,
    onEnd: (ended) =>
      t.diagnostic(
        `${ended} of ${JOBS} jobs ended; the runtime is ${runtime.state}; the worker said: ${workerLog.summary()}`,
      ),
  });
  assert.deepEqual(new Set(states), new Set(['SUCCESS']));
  assert.equal(runs.size, JOBS);
  assert.deepEqual(
    [...runs.values()].filter((count) => count > 1),
    [],
    'no handler ran twice',
  );
  assert.equal(workerLog.saidStartingWith('dead-lettered'), 0, 'the worker dead-lettered nothing');
  const events = await sandbox.allEvents();
  assert.deepEqual(
    events.filter((event) => event.state === 'RETRY' || event.state === 'FAILURE'),
    [],
    'no RETRY or FAILURE reported for a registry outage',
  );

  await waitFor(
    async () => {
      const shown = await Promise.all(jobIds.map((jobId) => view.get(jobId)));
      return shown.every((job) => job?.state === 'SUCCESS');
    },
    { description: 'the projector showing every job SUCCESS after the fault', timeoutMs: 120_000 },
  ).finally(() => t.diagnostic(`the projector is ${projector.state}; it said: ${projectorLog.summary()}`));
  assert.equal(projectorLog.saidStartingWith('dead-lettered'), 0, 'the projector dead-lettered nothing');
  assert.equal(runtime.state, 'running');
}
