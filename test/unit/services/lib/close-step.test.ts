import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseStepTimeoutError, runCloseStep, runCloseSteps } from '../../../../services/lib/close-step.ts';

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

test('close steps run in order, each even after a failure, and their failures are returned', async () => {
  const ran: string[] = [];
  const broken = new Error('connection reset');
  const failures = await runCloseSteps(
    [
      ['consumer', async () => void ran.push('consumer')],
      [
        'retry consumer',
        async () => {
          ran.push('retry consumer');
          throw broken;
        },
      ],
      ['producer', async () => void ran.push('producer')],
    ],
    60_000,
  );
  assert.deepEqual(ran, ['consumer', 'retry consumer', 'producer']);
  assert.deepEqual(failures, [broken]);
});
