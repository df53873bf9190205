import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcStatus, readProcessMemory } from '../../../../scripts/bench/process-memory.ts';

const STATUS = [
  'Name:\tnode',
  'VmPeak:\t 1234567 kB',
  'VmHWM:\t  204800 kB',
  'VmRSS:\t  102400 kB',
  'Threads:\t11',
].join('\n');

test('parseProcStatus reads VmRSS and VmHWM in bytes', () => {
  assert.deepEqual(parseProcStatus(STATUS), { rssBytes: 100 * 1024 * 1024, peakRssBytes: 200 * 1024 * 1024 });
});

test('parseProcStatus: undefined when a field is missing (a kernel thread, another OS)', () => {
  assert.equal(parseProcStatus('Name:\tkthreadd\nVmHWM:\t1 kB'), undefined);
});

test('readProcessMemory reads this process, and undefined for a pid that is not there', async (t) => {
  if (process.platform !== 'linux') return t.skip('/proc is Linux only');
  const own = await readProcessMemory(process.pid);
  assert.ok(own !== undefined && own.rssBytes > 0 && own.peakRssBytes >= own.rssBytes);
  assert.equal(await readProcessMemory(2 ** 31 - 1), undefined);
});
