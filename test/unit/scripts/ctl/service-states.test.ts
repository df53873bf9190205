import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatServiceStates, serviceState } from '../../../../scripts/ctl/service-states.ts';
import type { SupervisorStatus } from '../../../../scripts/local-stack/supervision.ts';

const status: SupervisorStatus = {
  servicePid: 4321,
  startedAt: '2026-12-02T10:00:00.000Z',
  restarts: 2,
  lastExit: { code: 1, signal: null, at: '2026-12-02T09:59:58.000Z', ranForMs: 5_000 },
};
const now = Date.parse('2026-12-02T10:01:30.000Z');

test('a service runs while its supervisor and its own process are alive', () => {
  assert.deepEqual(
    serviceState('noop', true, status, () => true, now),
    { name: 'noop', state: 'running', pid: 4321, upForMs: 90_000, restarts: 2, lastExit: status.lastExit },
  );
});

test('between two runs, or with its process gone, it is restarting; without a supervisor, stopped', () => {
  assert.equal(serviceState('noop', true, { ...status, servicePid: null }, () => true, now).state, 'restarting');
  assert.equal(serviceState('noop', true, status, () => false, now).state, 'restarting');
  const stopped = serviceState('noop', false, status, () => true, now);
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.pid, null);
  assert.equal(stopped.restarts, 2, 'the last run is still told');
});

test('a service its supervisor left running, when the supervisor was killed alone, is unsupervised', () => {
  const left = serviceState('noop', false, status, () => true, now, [status.servicePid!, 9_999_999]);
  assert.equal(left.state, 'unsupervised');
  assert.equal(left.pid, status.servicePid, 'the service the status file names, of what is left');
  assert.equal(serviceState('noop', false, undefined, () => true, now, [4242]).pid, 4242);
  assert.equal(serviceState('noop', false, undefined, () => true, now).restarts, 0);
});

test('ctl services prints one row per service with its restarts and last exit', () => {
  const lines = formatServiceStates([
    serviceState('noop', true, status, () => true, now),
    serviceState('gateway', false, undefined, () => true, now),
  ]);
  assert.match(lines[0] ?? '', /^SERVICE +STATE +PID +UP +RESTARTS +LAST EXIT$/);
  assert.match(lines[1] ?? '', /^noop +running +4321 +1m30s +2 +code 1 at 2026-12-02T09:59:58\.000Z$/);
  assert.match(lines[2] ?? '', /^gateway +stopped +- +- +0 +-$/);
});
