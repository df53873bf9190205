import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { defineStage } from '../../../../../services/lib/runtime/stage.ts';
import { waitFor } from '../../../../support/wait.ts';
import { stageSandbox } from './stage-sandbox.ts';

const BACKLOG = 10_000;
const HIGH = 0;
const LOW = 2;

test(`a HIGH job produced behind ${BACKLOG} LOW jobs starts within a second`, { timeout: 180_000 }, async (t) => {
  const sandbox = await stageSandbox(t);
  await sandbox.submitMany(
    Array.from({ length: BACKLOG }, () => ({ payload: 'low' })),
    LOW,
  );
  let lowDone = 0;
  let highStartedAt = 0;
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { concurrency: 8 },
      handler: async ({ job }) => {
        if (job.payload === 'high') highStartedAt = performance.now();
        else {
          await sleep(10);
          lowDone += 1;
        }
        return { 'sedano.NoopResult': { sleptMs: 10, spunMs: 0, payload: job.payload } };
      },
    }),
  );
  await waitFor(() => lowDone >= 200, { description: 'the worker busy with the LOW backlog', timeoutMs: 60_000 });

  const producedAt = performance.now();
  await sandbox.submit({ payload: 'high' }, undefined, HIGH);
  await waitFor(() => highStartedAt > 0, { description: 'the HIGH job started', timeoutMs: 30_000 });
  const latencyMs = Math.round(highStartedAt - producedAt);
  t.diagnostic(`HIGH started ${latencyMs} ms after it was produced, with ${BACKLOG - lowDone} LOW jobs still queued`);
  assert.ok(lowDone < BACKLOG / 2, 'the backlog was still there');
  // The target is 1 s; the bound is generous because CI machines are shared and noisy.
  assert.ok(latencyMs < 5_000, `started after ${latencyMs} ms`);
});
