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

// Regression: a CI run's wall clock stepped forward about 15 s during a 5 s test, and a wait on
// Date.now() failed at once with "timed out after 20000 ms". Deadlines are on the monotonic clock.
test('a wall-clock step forward during a check does not end the wait early', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  let checks = 0;
  const value = await waitFor(
    async () => {
      checks += 1;
      if (checks === 1) t.mock.timers.setTime(Date.now() + 3_600_000);
      await new Promise((resolve) => setImmediate(resolve));
      return checks >= 2 && 'answered';
    },
    { description: 'an answer across a clock step', timeoutMs: 10_000, intervalMs: 1 },
  );
  assert.equal(value, 'answered');
});
