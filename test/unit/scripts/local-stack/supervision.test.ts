import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RESTART_POLICY, restartDelayMs } from '../../../../scripts/local-stack/supervision.ts';

test('the wait before a restart doubles from the first delay up to the ceiling', () => {
  const policy = { firstDelayMs: 1_000, maxDelayMs: 5_000, healthyRunMs: 60_000 };
  const waits: number[] = [];
  let previous: number | undefined;
  for (let restart = 0; restart < 5; restart += 1) {
    previous = restartDelayMs(previous, 10, policy);
    waits.push(previous);
  }
  assert.deepEqual(waits, [1_000, 2_000, 4_000, 5_000, 5_000]);
});

test('a run that lasted long enough starts the wait over', () => {
  const policy = { firstDelayMs: 1_000, maxDelayMs: 30_000, healthyRunMs: 60_000 };
  assert.equal(restartDelayMs(16_000, 59_999, policy), 30_000);
  assert.equal(restartDelayMs(16_000, 60_000, policy), 1_000);
});

test('by default: 1 s first, 30 s at most, healthy after a minute', () => {
  assert.deepEqual(DEFAULT_RESTART_POLICY, { firstDelayMs: 1_000, maxDelayMs: 30_000, healthyRunMs: 60_000 });
  assert.equal(restartDelayMs(undefined, 5), 1_000);
});
