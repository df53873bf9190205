import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseStepTimeoutError, runCloseStep } from '../../../../services/lib/close-step.ts';

test('a close step that ends is no failure', async () => {
  assert.equal(await runCloseStep('producer', async () => 'closed', 60_000), undefined);
});

test('a close step that throws resolves with its error, so the steps after it still run', async () => {
  const broken = new Error('connection reset');
  assert.equal(await runCloseStep('consumer', () => Promise.reject(broken), 60_000), broken);
});

test('a close step that never ends is over after its time, failing with an error naming it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const failure = runCloseStep('leave the group', () => new Promise(() => {}), 10_000);
  t.mock.timers.tick(9_999);
  t.mock.timers.tick(1);
  const error = await failure;
  assert.ok(error instanceof CloseStepTimeoutError);
  assert.equal(error.message, 'leave the group did not end within 10000 ms');
});
