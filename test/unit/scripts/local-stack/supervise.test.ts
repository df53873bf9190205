/**
 * The local supervisor (scripts/local-stack/supervise.ts) over a stand-in service: a real process
 * that records its pid and waits, killed and stopped the ways `ctl` and a crash do.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  isAlive,
  leftInGroup,
  runningPid,
  startDetached,
  stopProcess,
} from '../../../../scripts/local-stack/processes.ts';
import type { SupervisorStatus } from '../../../../scripts/local-stack/supervision.ts';
import { waitFor } from '../../../support/wait.ts';

const SUPERVISOR = fileURLToPath(new URL('../../../../scripts/local-stack/supervise.ts', import.meta.url));

/** A stand-in service: exits with `exitCode` at once if given one, otherwise waits until stopped. */
const STAND_IN = `
const code = process.argv[1];
if (code !== undefined) process.exit(Number(code));
process.on('SIGTERM', () => { console.log('stand-in: stopping'); process.exit(0); });
setInterval(() => {}, 60_000);
`;

function supervised(
  t: test.TestContext,
  serviceArgs: string[],
  delays = ['--first-delay-ms', '50', '--max-delay-ms', '200'],
) {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-supervise-'));
  const statusFile = join(dir, 'supervisor.json');
  const logFile = join(dir, 'service.log');
  const pid = startDetached(
    {
      command: process.execPath,
      args: [
        SUPERVISOR,
        '--name',
        'stand-in',
        '--status',
        statusFile,
        ...delays,
        '--',
        process.execPath,
        '-e',
        STAND_IN,
        ...serviceArgs,
      ],
    },
    join(dir, 'pid.json'),
    logFile,
  );
  // Stopped before its directory goes: the supervisor writes its status there to the end.
  t.after(async () => {
    await stopProcess(pid, 1_000);
    rmSync(dir, { recursive: true, force: true });
  });
  const status = () => {
    try {
      return JSON.parse(readFileSync(statusFile, 'utf8')) as SupervisorStatus;
    } catch {
      return undefined;
    }
  };
  return { pid, pidFile: join(dir, 'pid.json'), status, log: () => readFileSync(logFile, 'utf8') };
}

test('a service that is killed is started again, and the restart is logged and counted', async (t) => {
  const { pid, status, log } = supervised(t, []);
  const first = await waitFor(() => status()?.servicePid, { description: 'the service started' });
  process.kill(first, 'SIGKILL');
  const second = await waitFor(
    () => {
      const now = status();
      return now?.restarts === 1 && now.servicePid !== null && now.servicePid;
    },
    { description: 'the service started again' },
  );
  assert.notEqual(second, first);
  assert.ok(isAlive(second));
  assert.equal(status()?.lastExit?.signal, 'SIGKILL');
  assert.match(log(), /^supervisor: stand-in exited \(signal SIGKILL\) after [\d.]+ s; restart 1 in 0\.1 s$/m);

  // Stopped as ctl down stops it: the group's SIGTERM ends the service, and then its supervisor.
  assert.equal(await stopProcess(pid, 5_000), 'stopped');
  assert.equal(isAlive(second), false);
  assert.match(log(), /^stand-in: stopping$/m);
  assert.equal(status()?.restarts, 1, 'not started again once stopped');
  assert.equal(status()?.servicePid, null);
});

test('a service that keeps exiting is started again with a growing wait', async (t) => {
  const { pid, status, log } = supervised(t, ['3']);
  await waitFor(() => (status()?.restarts ?? 0) >= 4, { description: 'four restarts' });
  assert.equal(status()?.lastExit?.code, 3);
  const waits = [...log().matchAll(/restart \d+ in ([\d.]+) s/g)].map((match) => Number(match[1]));
  assert.deepEqual(waits.slice(0, 4), [0.1, 0.1, 0.2, 0.2], '50, 100, 200 and 200 ms, rounded to tenths');
  // A stop while it waits to start the service again ends the supervisor at once.
  assert.equal(await stopProcess(pid, 5_000), 'stopped');
});

test('a supervisor killed alone leaves its service in its process group, where it is found and stopped', async (t) => {
  const { pid, pidFile, status } = supervised(t, []);
  const service = await waitFor(() => status()?.servicePid, { description: 'the service started' });
  assert.equal(leftInGroup(pidFile), undefined, 'nothing is left over while the supervisor runs');

  process.kill(pid, 'SIGKILL');
  await waitFor(() => !isAlive(pid), { description: 'the supervisor gone' });
  assert.equal(runningPid(pidFile), undefined);
  assert.ok(isAlive(service), 'its service runs on, unsupervised');
  assert.deepEqual(leftInGroup(pidFile), { pgid: pid, pids: [service] });

  // As ctl up and down stop it: the group's SIGTERM, waiting for the group rather than its leader.
  assert.equal(await stopProcess(pid, 5_000), 'stopped');
  assert.equal(isAlive(service), false);
  assert.equal(leftInGroup(pidFile), undefined);
});
