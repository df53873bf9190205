import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newJobId } from '../../../../../services/lib/job-ids.ts';
import { createNoopStage } from '../../../../../services/noop/noop-stage.ts';
import { kafkaAdmin } from '../../../../support/resources.ts';
import { waitFor } from '../../../../support/wait.ts';
import { stageSandbox } from './stage-sandbox.ts';

test('a worker publishes its presence with its running jobs and their progress, what it processed, and removes it on close', async (t) => {
  const sandbox = await stageSandbox(t);
  // A job fails when its failureRate is above 0.5: 1 fails, 0 succeeds.
  const runtime = await sandbox.start(
    createNoopStage(() => 0.5),
    'presence-worker',
    { presenceIntervalMs: 200 },
  );
  const succeeds = await sandbox.submit({ sleepMs: 0, cpuSpinMs: 0 });
  const twice = { maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 100, backoffMultiplier: 1 };
  const fails = await sandbox.submit({ failureRate: 1 }, undefined, 1, { retryPolicy: twice });
  await sandbox.eventsUntil(succeeds.header.jobId, 'SUCCESS');
  await sandbox.eventsUntil(fails.header.jobId, 'FAILURE');
  const job = await sandbox.submit({ sleepMs: 60_000, cpuSpinMs: 0 });
  const record = await waitFor(
    async () => {
      const [worker] = await sandbox.presence.list('noop');
      // A heartbeat between the job's start and its first progress shows no progress yet.
      const shown = worker?.running.some((running) => running.jobId === job.header.jobId && running.progress);
      return shown && worker;
    },
    { description: 'the running job and its progress in the presence record' },
  );
  assert.equal(record.workerId, 'presence-worker');
  assert.equal(record.pid, process.pid);
  assert.equal(record.concurrency, 8);
  // The failing job may still be listed: a job leaves the record after its ledger write, which
  // follows its FAILURE event (a CI run saw it beside this one, spinning).
  const running = record.running.find((entry) => entry.jobId === job.header.jobId);
  assert.deepEqual(running?.progress, { current: 0, total: 60_000, message: 'sleeping' });
  await sandbox.command({ command: 'REVOKE', jobId: job.header.jobId });
  await sandbox.eventsUntil(job.header.jobId, 'REVOKED');
  // Flower's Processed, Succeeded, Failed and Retried, from this worker's start.
  await waitFor(
    async () => {
      const [worker] = await sandbox.presence.list('noop');
      return JSON.stringify(worker?.processed) === JSON.stringify({ succeeded: 1, failed: 1, retried: 1, revoked: 1 });
    },
    { description: 'one attempt of each outcome counted in the presence record' },
  );
  await runtime.close();
  assert.deepEqual(await sandbox.presence.list(), []);
});

test('every worker answers a PING with its id and uptime', async (t) => {
  const sandbox = await stageSandbox(t);
  await sandbox.start(
    createNoopStage(() => 1),
    'ping-worker-a',
  );
  await sandbox.start(
    createNoopStage(() => 1),
    'ping-worker-b',
  );
  const commandId = newJobId();
  await sandbox.command({ command: 'PING', commandId });
  const pongs = await waitFor(
    async () => {
      const answers = await sandbox.presence.pongs(commandId);
      return answers.length === 2 && answers;
    },
    { description: 'two answers' },
  );
  assert.deepEqual(
    pongs.map((pong) => pong.workerId),
    ['ping-worker-a', 'ping-worker-b'],
  );
  for (const pong of pongs) assert.ok(pong.uptimeMs >= 0 && pong.uptimeMs < 120_000);
});

test('jobs queued before a purge mark end REVOKED ("purged") without starting; later ones run', async (t) => {
  const sandbox = await stageSandbox(t);
  const admin = await kafkaAdmin(t);
  const lane = sandbox.topics.lanes[1] ?? '';
  const queued = await sandbox.submitMany(Array.from({ length: 5 }, () => ({})));
  const ends = await admin.fetchTopicOffsets(lane);
  await sandbox.purgeMarks.markPurge(
    lane,
    ends.map(({ partition, high }) => ({ partition, offset: Number(high) })),
  );
  await sandbox.start(createNoopStage(() => 1));
  const later = await sandbox.submit({});
  await sandbox.eventsUntil(later.header.jobId, 'SUCCESS');
  for (const job of queued) {
    const events = await sandbox.eventsUntil(job.header.jobId, 'REVOKED');
    assert.deepEqual(
      events.map((event) => event.state),
      ['REVOKED'],
    );
    assert.equal(events[0]?.error?.message, 'purged');
  }
});
