/**
 * `ctl up`, the gateway-backed commands (`jobs …`, `dlq replay`) against the services `up`
 * started, then `ctl down`. One heavy test: `up` reuses the running stack (so `down` leaves it
 * alone), applies the topology, and starts every service on the real topics, with a run
 * directory and a gateway port of the test's own; a killed service is started again.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCodec } from '../../../services/lib/codec.ts';
import { createDeadLetterWriter } from '../../../services/lib/dead-letter.ts';
import { newJobId } from '../../../services/lib/job-ids.ts';
import { contractBindings } from '../../../topology/contracts.ts';
import type { DeadLetterSummary } from '../../../scripts/ctl/dlq.ts';
import type { ServiceState } from '../../../scripts/ctl/service-states.ts';
import { SERVICES } from '../../../scripts/ctl/services.ts';
import { isAlive } from '../../../scripts/local-stack/processes.ts';
import { endpoints, kafkaClient, onCleanup, schemaRegistry, testNames } from '../../support/resources.ts';
import { waitFor } from '../../support/wait.ts';
import { noopRequestSample } from '../../unit/schemas/samples.ts';
import { ctl, type CtlResult, json } from './ctl-support.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Every JSON line a command printed. */
function jsonLines(result: CtlResult): unknown[] {
  return result.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

test('ctl up runs the system in the background; jobs and dlq commands use its gateway; down stops it', async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'sedano-ctl-up-'));
  const env = { SEDANO_RUN_DIR: runDir, SEDANO_GATEWAY_PORT: String(await freePort()) };
  onCleanup(t, () => rmSync(runDir, { recursive: true, force: true }));
  // Stops whatever `up` started even when an assertion failed half-way.
  onCleanup(t, () => ctl(['down'], env));

  const up = await ctl(['up', '--json', '--timeout', '120000'], env);
  assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
  const { gatewayUrl, adminToken } = json<{ gatewayUrl: string; adminToken: string }>(up);
  assert.equal(gatewayUrl, `http://127.0.0.1:${env.SEDANO_GATEWAY_PORT}`);
  const tokenFile = join(runDir, 'admin-token');
  assert.equal(readFileSync(tokenFile, 'utf8').trim(), adminToken);
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
  assert.equal((await fetch(`${gatewayUrl}/readyz`)).status, 200);
  for (const service of ['status-projector', 'noop', 'gateway']) {
    assert.ok(existsSync(join(runDir, 'services', service, 'pid.json')), `${service} pid file`);
  }
  const again = await ctl(['up'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^gateway: already running/m);
  assert.match(again.stdout, /^sedano is up: gateway (http:\/\/127\.0\.0\.1:\d+), dashboard \1\/ui, admin token in /m);

  // A service that dies is started again by its supervisor (scripts/local-stack/supervise.ts), as
  // docker-compose.yml's restart policy does: the jobs below run on a noop worker killed here.
  const states = async () => {
    const result = await ctl(['services', '--json'], env);
    return { code: result.code, services: json<{ services: ServiceState[] }>(result).services };
  };
  /** A service's supervisor: the process its pid file names. */
  const supervisorPid = (service: string) =>
    (JSON.parse(readFileSync(join(runDir, 'services', service, 'pid.json'), 'utf8')) as { pid: number }).pid;
  const started = await states();
  assert.equal(started.code, 0, 'every service runs');
  assert.deepEqual(
    started.services.map((service) => [service.name, service.state, service.restarts]),
    SERVICES.map((service) => [service.name, 'running', 0]),
  );
  const killed = started.services.find((service) => service.name === 'noop')?.pid;
  assert.ok(killed !== null && killed !== undefined);
  process.kill(killed, 'SIGKILL');
  const noop = await waitFor(
    async () => {
      const service = (await states()).services.find((candidate) => candidate.name === 'noop');
      return service?.state === 'running' && service.restarts === 1 && service;
    },
    { description: 'the noop worker started again', timeoutMs: 30_000 },
  );
  assert.notEqual(noop.pid, killed);
  assert.equal(noop.lastExit?.signal, 'SIGKILL');
  const strict = await ctl(['services', '--fail-on-restart'], env);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /restarted: noop \(1\)/);

  // A supervisor killed alone leaves its service running in its process group: `ctl services`
  // shows it unsupervised, and `up` stops it before starting the service again, so that two
  // copies never run side by side.
  const supervisor = supervisorPid('noop');
  process.kill(supervisor, 'SIGKILL');
  const unsupervised = await waitFor(
    async () => {
      const now = await states();
      const service = now.services.find((candidate) => candidate.name === 'noop');
      return service?.state === 'unsupervised' && { code: now.code, service };
    },
    { description: 'the noop worker without its supervisor' },
  );
  assert.equal(unsupervised.code, 1);
  assert.equal(unsupervised.service.pid, noop.pid);
  const resupervised = await ctl(['up'], env);
  assert.equal(resupervised.code, 0, resupervised.stderr);
  assert.match(
    resupervised.stdout,
    new RegExp(`^noop: its supervisor was gone; stopped the process it left running \\(pid ${noop.pid}\\)$`, 'm'),
  );
  assert.match(resupervised.stdout, /^noop: started \(pid \d+/m);
  assert.ok(!isAlive(noop.pid!), 'the unsupervised worker is stopped');
  const afterUp = (await states()).services.find((candidate) => candidate.name === 'noop');
  assert.equal(afterUp?.state, 'running');
  assert.equal(afterUp?.restarts, 0, 'a new supervisor');

  // jobs submit --watch: the reply, then one JSON line per status event, ending with SUCCESS.
  const submitted = await ctl(
    ['jobs', 'submit', 'noop', '--payload', '{"sleepMs": 20, "failureRate": 0}', '--watch', '--json'],
    env,
  );
  assert.equal(submitted.code, 0, `${submitted.stdout}\n${submitted.stderr}`);
  const [reply, ...events] = jsonLines(submitted) as [
    { jobId: string },
    ...{ event: string; data: { state: string } }[],
  ];
  const { jobId } = reply;
  assert.equal(events.at(-1)?.data.state, 'SUCCESS');
  assert.ok(events.every((event) => event.event === 'status'));

  const got = await ctl(['jobs', 'get', jobId], env);
  assert.equal(got.code, 0, got.stderr);
  assert.match(got.stdout, /^state {5}SUCCESS$/m);
  const listed = await ctl(['jobs', 'list', '--stage', 'noop', '--state', 'success', '--limit', '1000', '--json'], env);
  assert.equal(listed.code, 0, listed.stderr);
  const listedJob = json<{ jobs: { jobId: string; traceUrl: string | null }[] }>(listed).jobs.find(
    (job) => job.jobId === jobId,
  );
  assert.ok(listedJob, 'the job is listed');
  // The gateway links each job to its trace in the stack's Jaeger.
  assert.ok(listedJob.traceUrl?.startsWith(`${endpoints().jaegerQueryUrl}/trace/`), String(listedJob.traceUrl));

  // stages pause|resume send their command through the gateway; an unknown stage is a usage error.
  const paused = await ctl(['stages', 'pause', 'noop'], env);
  assert.equal(paused.code, 0, paused.stderr);
  assert.match(paused.stdout, /^noop: PAUSE_STAGE sent to every worker \(command [0-9a-f-]{36}\)$/m);
  const resumed = await ctl(['stages', 'resume', 'noop', '--json'], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual((({ stage, command }) => ({ stage, command }))(json<{ stage: string; command: string }>(resumed)), {
    stage: 'noop',
    command: 'RESUME_STAGE',
  });
  const unknownStage = await ctl(['stages', 'pause', 'nope'], env);
  assert.equal(unknownStage.code, 2);
  assert.match(unknownStage.stderr, /unknown stage "nope"; stages: indexing, analysis/);
  // stages rate-limit sets the stage's limit for its workers, `off` gives back its own.
  const limited = await ctl(['stages', 'rate-limit', 'noop', '50'], env);
  assert.equal(limited.code, 0, limited.stderr);
  assert.match(limited.stdout, /^noop: at most 50 job starts per second$/m);
  const unlimited = await ctl(['stages', 'rate-limit', 'noop', 'off'], env);
  assert.equal(unlimited.code, 0, unlimited.stderr);
  assert.match(unlimited.stdout, /^noop: back to the stage's own rate limit$/m);
  const badRate = await ctl(['stages', 'rate-limit', 'noop', 'fast'], env);
  assert.equal(badRate.code, 2);
  assert.match(badRate.stderr, /rate limit "fast": a number above 0, or off/);
  // stages concurrency sets how many jobs each worker runs at once, `off` gives back their own.
  const narrowed = await ctl(['stages', 'concurrency', 'noop', '2'], env);
  assert.equal(narrowed.code, 0, narrowed.stderr);
  assert.match(narrowed.stdout, /^noop: at most 2 job\(s\) at once per worker \(never more than its own\)$/m);
  const own = await ctl(['stages', 'concurrency', 'noop', 'off'], env);
  assert.equal(own.code, 0, own.stderr);
  assert.match(own.stdout, /^noop: each worker back to its own concurrency$/m);
  for (const bad of ['0', '1.5', 'many']) {
    const refused = await ctl(['stages', 'concurrency', 'noop', bad], env);
    assert.equal(refused.code, 2, bad);
    assert.ok(refused.stderr.includes(`concurrency "${bad}": a whole number above 0, or off`), refused.stderr);
  }

  // A finished job cannot be revoked; an unknown one is not found; a wrong token is refused.
  const late = await ctl(['jobs', 'revoke', jobId], env);
  assert.equal(late.code, 1);
  assert.match(late.stderr, /SEDANO_ERR_API_CONFLICT/);
  const unknown = await ctl(['jobs', 'get', newJobId()], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /SEDANO_ERR_API_NOT_FOUND/);
  const refused = await ctl(['jobs', 'get', jobId, '--token', 'not-the-token'], env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /SEDANO_ERR_API_UNAUTHORIZED/);

  // A long job, revoked while it runs: watch ends with REVOKED and exit code 1.
  const long = await ctl(
    ['jobs', 'submit', 'noop', '--payload', '{"sleepMs": 120000, "failureRate": 0}', '--json'],
    env,
  );
  assert.equal(long.code, 0, long.stderr);
  const longId = json<{ jobId: string }>(long).jobId;
  await waitFor(
    async () => {
      const response = await fetch(`${gatewayUrl}/v1/jobs/${longId}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      return response.ok && ['STARTED', 'PROGRESS'].includes(((await response.json()) as { state: string }).state);
    },
    { description: `job ${longId} running`, timeoutMs: 60_000 },
  );
  const revoked = await ctl(['jobs', 'revoke', longId, '--reason', 'ctl test'], env);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(revoked.stdout.trim(), `revoked: ${longId}`);
  const watched = await ctl(['jobs', 'watch', longId], env);
  assert.equal(watched.code, 1);
  assert.match(watched.stdout, new RegExp(`^job ${longId} ended: REVOKED`, 'm'));

  // dlq replay: a dead letter holding a valid request is replayed once, as a new job.
  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  const codec = createCodec({ registry: schemaRegistry() });
  // The namespace `ctl up` started the services in (SEDANO_NAMESPACE, inherited).
  const names = testNames();
  const deadJobId = newJobId();
  const request = {
    ...noopRequestSample,
    failureRate: 0,
    sleepMs: 1,
    header: { ...noopRequestSample.header, jobId: deadJobId },
  };
  const original = await codec.toMessage(contractBindings(names).request('noop', 'normal'), deadJobId, request);
  await createDeadLetterWriter({ producer, codec, names, consumerGroup: 'ctl-test' }).write({
    message: {
      topic: names.jobTopic('noop', 'normal'),
      partition: 0,
      offset: '0',
      key: Buffer.from(deadJobId),
      value: original.value,
      headers: {},
      timestampMs: Date.now(),
    },
    errorCode: 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED',
    reason: 'ctl test',
    attempts: 3,
    jobId: deadJobId,
  });
  const listedLetters = await ctl(['dlq', 'list', '--limit', '1000', '--json'], env);
  assert.equal(listedLetters.code, 0, listedLetters.stderr);
  const letter = json<{ deadLetters: DeadLetterSummary[] }>(listedLetters).deadLetters.find(
    (entry) => entry.jobId === deadJobId,
  );
  assert.ok(letter, 'the dead letter is listed');
  // The gateway indexes the dead-letter topic as it reads it: 404 until then.
  const replayed = await waitFor(
    async () => {
      const result = await ctl(['dlq', 'replay', letter.id, '--json'], env);
      if (result.code !== 0 && !/SEDANO_ERR_API_NOT_FOUND/.test(result.stderr)) throw new Error(result.stderr);
      return result.code === 0 && result;
    },
    { description: `dead letter ${letter.id} replayed`, timeoutMs: 60_000, intervalMs: 500 },
  );
  assert.notEqual(json<{ jobId: string }>(replayed).jobId, deadJobId);
  const twice = await ctl(['dlq', 'replay', letter.id], env);
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /SEDANO_ERR_API_CONFLICT/);

  // `down` also stops a service whose supervisor was killed alone.
  const schedulerSupervisor = supervisorPid('scheduler');
  const scheduler = (await states()).services.find((candidate) => candidate.name === 'scheduler')?.pid;
  assert.ok(scheduler !== null && scheduler !== undefined);
  process.kill(schedulerSupervisor, 'SIGKILL');
  await waitFor(() => !isAlive(schedulerSupervisor), { description: 'the supervisor of the scheduler gone' });
  const down = await ctl(['down', '--json'], env);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /scheduler: its supervisor was gone; stopped the process it left running/);
  assert.ok(!isAlive(scheduler), 'the unsupervised scheduler is stopped');
  // Stopped in reverse start order (scripts/ctl/services.ts).
  assert.deepEqual(json<{ stopped: string[] }>(down).stopped, SERVICES.map((service) => service.name).reverse());
  for (const service of ['status-projector', 'noop', 'gateway']) {
    assert.ok(!existsSync(join(runDir, 'services', service, 'pid.json')), `${service} pid file removed`);
  }
  await assert.rejects(fetch(`${gatewayUrl}/healthz`), 'the gateway is gone');
  const stack = await ctl(['stack', 'status']);
  assert.equal(stack.code, 0, 'down left the stack it did not start running');
});

test('ctl up fails on a service that exits while it starts, and down stops its supervisor', async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'sedano-ctl-up-'));
  onCleanup(t, () => rmSync(runDir, { recursive: true, force: true }));
  // The gateway's port is taken (by a server that is not ready): the gateway exits as it
  // starts, and its supervisor starts it again.
  const holder = createHttpServer((_request, response) => response.writeHead(503).end());
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  onCleanup(t, () => {
    holder.closeAllConnections();
    return new Promise<void>((resolve) => holder.close(() => resolve()));
  });
  const address = holder.address();
  assert.ok(typeof address === 'object' && address !== null);
  const env = { SEDANO_RUN_DIR: runDir, SEDANO_GATEWAY_PORT: String(address.port) };
  onCleanup(t, () => ctl(['down'], env));

  const up = await ctl(['up', '--timeout', '120000'], env);
  assert.equal(up.code, 1);
  assert.match(up.stderr, /gateway: exited \(its supervisor starts it again until `npm run ctl -- down`\)/);
  assert.match(up.stderr, /EADDRINUSE/, 'with the last lines of its log');
  // Running or waiting to run again: either, depending on the moment.
  const states = await ctl(['services', '--json'], env);
  const gateway = json<{ services: ServiceState[] }>(states).services.find((service) => service.name === 'gateway');
  assert.ok(gateway !== undefined && gateway.restarts >= 1, 'started again');

  const down = await ctl(['down', '--json'], env);
  assert.equal(down.code, 0, down.stderr);
  assert.ok(json<{ stopped: string[] }>(down).stopped.includes('gateway'));
  const after = await ctl(['services', '--json'], env);
  assert.ok(json<{ services: ServiceState[] }>(after).services.every((service) => service.state === 'stopped'));
});
