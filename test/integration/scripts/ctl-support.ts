/**
 * Running `ctl` as a child process in integration tests, and a worker it can see: a noop stage
 * runtime in the real `noop` stage group (on sandbox lanes, so it takes no one else's jobs),
 * with a presence heartbeat and PING answers on the real control topic.
 *
 * The worker's presence and PING answers are wired here with the same modules the stage
 * runtime uses (services/lib/worker-presence.ts, control-listener.ts's onPing), until the
 * runtime publishes them itself.
 */
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import { createKafkaClient } from '../../../services/lib/kafka.ts';
import { kafkaConnection } from '../../../services/lib/kafka-connection.ts';
import { startControlListener } from '../../../services/lib/runtime/control-listener.ts';
import { createRevocations } from '../../../services/lib/runtime/revocations.ts';
import type { StageRuntime } from '../../../services/lib/runtime/stage-runtime.ts';
import { createWorkerPresence, startPresenceHeartbeat } from '../../../services/lib/worker-presence.ts';
import { createNoopStage } from '../../../services/noop/noop-stage.ts';
import { redisKeys } from '../../../topology/redis-keys.ts';
import { kafkaAdmin, onCleanup, redisClient, testNames, uniqueName } from '../../support/resources.ts';
import { waitFor } from '../../support/wait.ts';
import { stageSandbox } from '../services/lib/runtime/stage-sandbox.ts';

const script = new URL('../../../scripts/ctl.ts', import.meta.url).pathname;

export interface CtlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node scripts/ctl.ts …` without blocking this process (the test's worker keeps running). */
export function ctl(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CtlResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The single JSON document a `--json` command printed. */
export function json<T>(result: CtlResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
}

export interface CtlWorker {
  workerId: string;
  runtime: StageRuntime;
  startedAt: number;
}

/** A noop worker that `ctl status` and `ctl ping` see; stopped and forgotten when the test ends. */
export async function startCtlWorker(t: TestContext): Promise<CtlWorker> {
  const workerId = uniqueName('noop@ctl-test');
  const startedAt = Date.now();
  const sandbox = await stageSandbox(t);
  // The test run's namespace is the one `ctl` reads (SEDANO_NAMESPACE, inherited).
  const names = testNames();
  // The worker id as client id: a group member names its worker, as services/noop/main.ts does.
  const kafka = createKafkaClient({ ...kafkaConnection(process.env), clientId: workerId, log: () => {} });
  const runtime = await sandbox.start(
    createNoopStage(() => 1),
    workerId,
    {
      kafka,
      topics: { ...sandbox.topics, groupId: names.stageGroup('noop') },
    },
  );
  const admin = await kafkaAdmin(t);
  const { redis, keys } = redisClient(t);
  // Where `ctl status` looks: the presence keys of the test run's namespace (they expire).
  const presence = createWorkerPresence({ redis, keys: redisKeys(names.namespace) });
  const logger = pino({ level: 'silent' });
  // Not the runtime's own control group (`<prefix><workerId>`, on the sandbox's control topic):
  // one group with two subscriptions could hand the real control topic to the other member.
  const controlGroup = `${names.controlGroup(workerId)}.real`;
  onCleanup(t, () =>
    waitFor(
      async () => {
        await admin.deleteGroups([controlGroup]);
        return true;
      },
      { description: `the empty group ${controlGroup} deleted` },
    ),
  );
  const control = await startControlListener({
    consumer: await kafka.consumer(controlGroup),
    codec: sandbox.codec,
    controlTopic: names.controlTopic,
    revocations: createRevocations({ redis, keys }),
    logger,
    stage: 'noop',
    onRevoke: () => {},
    onPause: () => {},
    onPing: (command) => void presence.recordPong(command.commandId, workerId, Date.now() - startedAt),
  });
  onCleanup(t, () => control.close());
  const heartbeat = startPresenceHeartbeat({
    presence,
    intervalMs: 1_000,
    logger,
    snapshot: () => ({
      workerId,
      stage: 'noop',
      host: hostname(),
      pid: process.pid,
      startedAt,
      heartbeatAt: Date.now(),
      concurrency: 8,
      ownConcurrency: 8,
      rateLimitPerSecond: null,
      paused: runtime.paused,
      running: [],
      processed: { succeeded: 3, failed: 1, retried: 0, revoked: 0 },
    }),
  });
  onCleanup(t, () => heartbeat.stop());
  await waitFor(
    async () =>
      (await admin.describeGroup(names.stageGroup('noop'))).members.some((member) => member.clientId === workerId),
    { description: `${workerId} in the noop stage group`, timeoutMs: 60_000 },
  );
  return { workerId, runtime, startedAt };
}
