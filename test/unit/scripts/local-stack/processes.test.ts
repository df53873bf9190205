import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlive, runningPid, startDetached, stopProcess } from '../../../../scripts/local-stack/processes.ts';

function scratch(t: test.TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-processes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a detached process is found through its pid file and stopped with SIGTERM', async (t) => {
  const dir = scratch(t);
  const pidFile = join(dir, 'pid.json');
  const pid = startDetached({ command: 'sleep', args: ['60'] }, pidFile, join(dir, 'out.log'));
  t.after(() => stopProcess(pid, 1_000));
  assert.equal(runningPid(pidFile), pid);
  assert.equal(await stopProcess(pid, 5_000), 'stopped');
  assert.equal(isAlive(pid), false);
  assert.equal(runningPid(pidFile), undefined);
});

test('a process that ignores SIGTERM is killed after the grace period, with its children', async (t) => {
  const dir = scratch(t);
  const script = `trap '' TERM; sleep 60 & echo $! > ${join(dir, 'child')}; wait`;
  const pid = startDetached({ command: 'bash', args: ['-c', script] }, join(dir, 'pid.json'), join(dir, 'out.log'));
  t.after(() => stopProcess(pid, 100));
  let child = 0;
  while (child === 0) {
    child = Number(readFileSync(join(dir, 'child'), { encoding: 'utf8', flag: 'a+' }).trim() || 0);
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(await stopProcess(pid, 300), 'killed');
  assert.equal(isAlive(pid), false);
  assert.equal(isAlive(child), false, 'the whole process group is gone');
});

test('a pid file naming another program is not taken for ours', (t) => {
  const dir = scratch(t);
  const pidFile = join(dir, 'pid.json');
  const pid = startDetached({ command: 'sleep', args: ['60'], marker: 'kafka.Kafka' }, pidFile, join(dir, 'out.log'));
  t.after(() => stopProcess(pid, 1_000));
  assert.equal(runningPid(pidFile), undefined);
});
