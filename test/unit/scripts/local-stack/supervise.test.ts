/**
 * The local supervisor (scripts/local-stack/supervise.ts) over a stand-in service: a real process
 * that records its pid and waits, killed and stopped the ways `ctl` and a crash do.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** A stand-in service that writes a numbered line of about 100 bytes every millisecond or so. */
const CHATTY = `
let line = 0;
setInterval(() => { for (let n = 0; n < 5; n += 1) console.log('line ' + line++ + ' ' + 'x'.repeat(90)); }, 5);
`;

function supervised(
  t: test.TestContext,
  serviceArgs: string[],
  supervisorArgs = ['--first-delay-ms', '50', '--max-delay-ms', '200'],
  service = STAND_IN,
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
        ...supervisorArgs.map((arg) => arg.replace('{log}', logFile)),
        '--',
        process.execPath,
        '-e',
        service,
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
  return { pid, pidFile: join(dir, 'pid.json'), status, logFile, log: () => readFileSync(logFile, 'utf8') };
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

test("the supervisor rolls its service's log over, keeping the parts it is told to, each of whole lines in order", async (t) => {
  const { logFile, log } = supervised(
    t,
    [],
    ['--log', '{log}', '--log-max-bytes', '20000', '--log-keep', '2', '--log-check-ms', '20'],
    CHATTY,
  );
  // Rolled at least three times: the first part has moved up to .2 and another has taken .1 since.
  await waitFor(() => existsSync(`${logFile}.2`) && log().includes('log rolled over'), {
    description: 'the log rolled over twice',
  });
  const firstOfPart2 = Number(/^line (\d+)/m.exec(readFileSync(`${logFile}.2`, 'utf8'))?.[1]);
  await waitFor(() => Number(/^line (\d+)/m.exec(readFileSync(`${logFile}.2`, 'utf8'))?.[1]) > firstOfPart2, {
    description: 'the log rolled over once more',
  });
  assert.equal(existsSync(`${logFile}.3`), false, 'no more than two parts are kept');
  const parts = [`${logFile}.2`, `${logFile}.1`, logFile].map((file) => readFileSync(file, 'utf8'));
  const numbers: number[] = [];
  for (const part of parts) {
    for (const line of part.trimEnd().split('\n')) {
      if (line.startsWith('supervisor: ')) {
        assert.match(line, /^supervisor: stand-in's log rolled over: its last \d+ bytes are in .+\.1$/);
        continue;
      }
      const match = /^line (\d+) x{90}$/.exec(line);
      assert.ok(match, `a whole line: ${JSON.stringify(line)}`);
      numbers.push(Number(match[1]));
    }
  }
  assert.ok(
    numbers.every((number, at) => at === 0 || number > numbers[at - 1]!),
    'the parts hold the lines in the order written',
  );
  assert.ok(readFileSync(`${logFile}.1`).length >= 20_000, 'a part is rolled over once it reaches the size');
});
