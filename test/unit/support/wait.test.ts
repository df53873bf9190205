import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../../support/wait.ts';

test('waitFor returns the first value that is not undefined, null or false', async () => {
  const answers = [undefined, null, false, 0, 1];
  const value = await waitFor(() => answers.shift(), { description: 'an answer', intervalMs: 1 });
  assert.equal(value, 0);
});

test('waitFor fails after its timeout with the last error a check threw', async () => {
  await assert.rejects(
    waitFor(
      () => {
        throw new Error('not yet');
      },
      { description: 'the impossible', timeoutMs: 50, intervalMs: 5 },
    ),
    /timed out after 50 ms waiting for the impossible \(last error: not yet\)/,
  );
});

// Before, such a wait never ended: the test's own timeout (here 10 s) was all that stopped it.
test(
  'waitFor fails at its deadline when a check never returns, naming what was awaited',
  { timeout: 10_000 },
  async () => {
    await assert.rejects(
      waitFor(() => new Promise<never>(() => {}), { description: 'a silent registry', timeoutMs: 100 }),
      /timed out after 100 ms waiting for a silent registry \(its last check had not returned\)/,
    );
  },
);
