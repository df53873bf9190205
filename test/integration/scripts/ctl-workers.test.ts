import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { createKafkaClient } from '../../../services/lib/kafka.ts';
import { resolveEndpoints } from '../../../services/lib/endpoints.ts';
import { kafkaConnection } from '../../../services/lib/kafka-connection.ts';
import { createWorkerPresence, type WorkerRecord } from '../../../services/lib/worker-presence.ts';
import { startMaintenance } from '../../../services/maintenance/maintenance-worker.ts';
import { redisKeys } from '../../../topology/redis-keys.ts';
import { onCleanup, redisClient, testNames, uniqueName } from '../../support/resources.ts';
import { waitFor } from '../../support/wait.ts';
import { schedulerSandbox } from '../services/scheduler/scheduler-harness.ts';
import { ctl, json, startCtlWorker } from './ctl-support.ts';
import type { ActiveJob, WorkerStatus } from '../../../scripts/ctl/workers.ts';

/** A presence record of a worker that is not running (no group membership, no PING answers). */
async function publishGhost(t: test.TestContext, running: WorkerRecord['running'] = []): Promise<WorkerRecord> {
  const { redis } = redisClient(t);
  // Where `ctl status` looks: the test run's namespace.
  const presence = createWorkerPresence({ redis, keys: redisKeys(testNames().namespace) });
  const record: WorkerRecord = {
    workerId: uniqueName('noop@ghost'),
    stage: 'noop',
    host: 'ghost-host',
    pid: 1,
    startedAt: Date.now() - 120_000,
    heartbeatAt: Date.now(),
    concurrency: 4,
    ownConcurrency: 4,
    rateLimitPerSecond: null,
    paused: false,
    running,
    processed: null,
    loadAverage: null,
    rssBytes: null,
  };
  await presence.publish(record, 60_000);
  onCleanup(t, () => presence.remove(record.workerId));
  return record;
}

test('ctl status: a worker in the stage group is alive; a record without membership is not', async (t) => {
  const worker = await startCtlWorker(t);
  const ghost = await publishGhost(t);

  const result = await ctl(['status', 'noop', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const { workers } = json<{ workers: WorkerStatus[] }>(result);
  const mine = workers.find((candidate) => candidate.workerId === worker.workerId);
  assert.equal(mine?.state, 'alive');
  assert.equal(mine?.heartbeat, true);
  assert.equal(mine?.stage, 'noop');
  assert.equal(mine?.pid, process.pid);
  assert.equal(workers.find((candidate) => candidate.workerId === ghost.workerId)?.state, 'not-in-group');
  assert.ok(workers.every((candidate) => candidate.stage === 'noop'));

  const human = await ctl(['status']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^noop\\s+${worker.workerId}\\s+alive\\s+0/8\\s+4 \\(1 failed\\)\\s`, 'm'));
  assert.match(human.stdout, new RegExp(`^noop\\s+${ghost.workerId}\\s+not in group`, 'm'));
  assert.match(human.stdout, /^indexing\s/m, 'every stage is listed');
});

test('ctl inspect active: the jobs running on the workers, with their progress', async (t) => {
  const jobId = crypto.randomUUID();
  const ghost = await publishGhost(t, [
    { jobId, attempt: 2, startedAt: Date.now() - 5_000, progress: { current: 2, total: 4, message: 'halfway' } },
  ]);

  const result = await ctl(['inspect', 'active', '--stage', 'noop', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const { jobs } = json<{ jobs: ActiveJob[] }>(result);
  const mine = jobs.find((job) => job.jobId === jobId);
  assert.equal(mine?.workerId, ghost.workerId);
  assert.equal(mine?.attempt, 2);
  assert.deepEqual(mine?.progress, { current: 2, total: 4, message: 'halfway' });
  assert.ok((mine?.runningForMs ?? 0) >= 5_000);

  const human = await ctl(['inspect', 'active']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    new RegExp(`^${jobId}\\s+noop\\s+${ghost.workerId}\\s+2\\s+\\S+\\s+2/4 \\(50%\\) halfway$`, 'm'),
  );
});

test('ctl ping: every worker answers with its id and uptime; a silent worker fails the ping', async (t) => {
  const worker = await startCtlWorker(t);

  const result = await ctl(['ping', '--stage', 'noop', '--timeout', '20000', '--json']);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  const { answers, silent } = json<{ answers: { workerId: string; uptimeMs: number }[]; silent: string[] }>(result);
  const mine = answers.find((answer) => answer.workerId === worker.workerId);
  assert.ok(mine, `${worker.workerId} answered: ${result.stdout}`);
  assert.ok(mine.uptimeMs > 0 && mine.uptimeMs <= Date.now() - worker.startedAt, `uptime ${mine.uptimeMs}`);
  assert.deepEqual(silent, []);

  const ghost = await publishGhost(t);
  const failed = await ctl(['ping', '--stage', 'noop', '--timeout', '3000']);
  assert.equal(failed.code, 1);
  assert.match(failed.stdout, new RegExp(`^${worker.workerId}\\s+\\S+$`, 'm'), 'the live worker is listed');
  assert.match(failed.stdout, new RegExp(`^${ghost.workerId}: no answer within 3000 ms$`, 'm'));
  assert.match(failed.stderr, /did not answer/);
});

// Regression: ctl repeated REDIS_URL, password and all, and gave "Connection is closed" as the reason.
test('a Redis that refuses ctl its password is named with its reason, and the password is never shown', async () => {
  const url = new URL(resolveEndpoints(process.env).redisUrl);
  url.username = 'ctl-test-user';
  url.password = 'not-the-password-4321';
  const result = await ctl(['inspect', 'active'], { REDIS_URL: url.toString() });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^sedano: Redis at redis:\/\/\[REDACTED\]@\S+ did not answer: WRONGPASS/);
  assert.ok(!`${result.stdout}${result.stderr}`.includes('not-the-password-4321'), result.stderr);
});

test('ctl status and ping list the maintenance worker as stage maintenance', async (t) => {
  const sandbox = await schedulerSandbox(t);
  const names = testNames();
  const workerId = uniqueName('maintenance@ctl-test');
  // The worker id as client id, as the service kit gives it: `status` names group members by it.
  const kafka = createKafkaClient({ ...kafkaConnection(process.env), clientId: workerId, log: () => {} });
  const worker = await startMaintenance({
    kafka,
    codec: sandbox.codec,
    redis: sandbox.redis,
    logger: pino({ level: 'silent' }),
    // Presence where `ctl` looks (the test run's namespace); the run ledger in the sandbox's keys.
    keys: { ...sandbox.keys, workers: redisKeys(names.namespace).workers },
    names,
    // The namespace's maintenance group (what `status` describes), on a topic of the test's own.
    groupId: names.maintenanceGroup,
    maintenanceTopic: sandbox.maintenanceTopic,
    statusTopic: sandbox.statusTopic,
    workerId,
    presenceIntervalMs: 500,
    tasks: {},
  });
  onCleanup(t, () => worker.close());

  const status = await waitFor(
    async () => {
      const result = await ctl(['status', 'maintenance', '--json']);
      const mine = json<{ workers: WorkerStatus[] }>(result).workers.find((w) => w.workerId === workerId);
      return mine?.state === 'alive' && mine.heartbeat && mine;
    },
    { description: 'ctl status shows the maintenance worker alive', timeoutMs: 30_000 },
  );
  assert.equal(status.stage, 'maintenance');
  assert.equal(status.concurrency, 1);
  assert.equal(status.pid, process.pid);

  const human = await ctl(['status']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^maintenance\\s+${workerId}\\s+alive\\s+0/1`, 'm'));

  const ping = await ctl(['ping', '--stage', 'maintenance', '--timeout', '20000', '--json']);
  assert.equal(ping.code, 0, `${ping.stdout}\n${ping.stderr}`);
  const { answers, silent } = json<{ answers: { workerId: string }[]; silent: string[] }>(ping);
  assert.ok(
    answers.some((answer) => answer.workerId === workerId),
    `${workerId} answered: ${ping.stdout}`,
  );
  assert.deepEqual(silent, []);

  const unknown = await ctl(['status', 'beat']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /stages: indexing, analysis, training, export, noop, maintenance/);
});
