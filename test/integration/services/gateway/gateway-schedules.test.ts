/** The schedule routes: list with next fire times and the last run's state, run now (admin), pause and resume. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../../../support/wait.ts';
import { startGateway } from './gateway-harness.ts';
import { testScheduleControl } from './test-schedules.ts';

interface ScheduleBody {
  name: string;
  paused: boolean;
  timeZone: string;
  nextFireTimes: string[];
  lastRun: { jobId: string; state: string | null; errorCode: string | null } | null;
}

test(
  'schedules: listed with next fire times, run now with an idempotency key, paused and resumed',
  { timeout: 60_000 },
  async (t) => {
    const gateway = await startGateway(t, {
      schedules: await testScheduleControl(t, [
        { name: 'nightly-backup', task: 'BACKUP', cron: '0 2 * * *', timeZone: 'Europe/Rome' },
      ]),
    });
    const list = async () =>
      (
        (await (await gateway.call('GET', '/v1/schedules', { token: 'reader' })).json()) as {
          schedules: ScheduleBody[];
        }
      ).schedules;

    const [first] = await list();
    assert.equal(first?.name, 'nightly-backup');
    assert.equal(first?.timeZone, 'Europe/Rome');
    assert.equal(first?.nextFireTimes.length, 3);
    assert.ok(
      first?.nextFireTimes.every((time) => /T0[01]:00:00\.000Z$/.test(time)),
      '02:00 in Rome is 00:00 or 01:00 UTC',
    );
    assert.equal(first?.lastRun, null);

    assert.equal((await gateway.call('POST', '/v1/schedules/nightly-backup/run', { token: 'reader' })).status, 403);
    const run = await gateway.call('POST', '/v1/schedules/nightly-backup/run', {
      headers: { 'idempotency-key': 'k-1' },
    });
    assert.equal(run.status, 202);
    const { jobId, created } = (await run.json()) as { jobId: string; created: boolean };
    assert.equal(created, true);
    const again = await gateway.call('POST', '/v1/schedules/nightly-backup/run', {
      headers: { 'idempotency-key': 'k-1' },
      json: { reason: 'a client retrying' },
    });
    assert.equal(again.status, 202);
    // Not emitted again: a run that failed would otherwise run again under a job that stays FAILURE.
    assert.deepEqual(await again.json(), {
      name: 'nightly-backup',
      jobId,
      idempotencyKey: 'schedule:nightly-backup:run:k-1',
      created: false,
    });
    const seen = await waitFor(async () => (await list())[0]?.lastRun?.state === 'PENDING' && (await list())[0], {
      description: 'the last run and its state',
      timeoutMs: 20_000,
    });
    assert.equal(seen.lastRun?.jobId, jobId);
    assert.equal(seen.lastRun?.errorCode, null);
    // The run is a job of the view, listed under the maintenance stage.
    const listed = await gateway.call('GET', '/v1/jobs?stage=maintenance', { token: 'reader' });
    assert.equal(listed.status, 200);
    const { jobs } = (await listed.json()) as { jobs: { jobId: string; stage: string }[] };
    assert.deepEqual(
      jobs.map((job) => [job.jobId, job.stage]),
      [[jobId, 'MAINTENANCE']],
    );

    assert.deepEqual(await (await gateway.call('POST', '/v1/schedules/nightly-backup/pause')).json(), {
      name: 'nightly-backup',
      paused: true,
    });
    assert.deepEqual((await list())[0]?.nextFireTimes, []);
    assert.equal((await list())[0]?.paused, true);
    await gateway.call('POST', '/v1/schedules/nightly-backup/resume');
    assert.equal((await list())[0]?.paused, false);
    for (const action of ['run', 'pause', 'resume']) {
      const missing = await gateway.call('POST', `/v1/schedules/no-such/${action}`);
      assert.equal(missing.status, 404, action);
      const { error } = (await missing.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, 'SEDANO_ERR_SCHEDULE_NOT_FOUND', action);
      assert.match(error.message, /no-such/, action);
    }
  },
);
