import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { defineStage } from '../../../../../services/lib/runtime/stage.ts';
import { writePauseRecord, writeRateLimitRecord } from '../../../../../services/lib/stage-controls.ts';
import { waitFor } from '../../../../support/wait.ts';
import { stageSandbox } from './stage-sandbox.ts';

const states = (events: { state: string }[]) => events.map((event) => event.state);

/** How long after the limiter read its clock a STARTED may be stamped, on a loaded machine. */
const STAMP_GRACE_MS = 250;

/**
 * Whether the starts fit a fixed window of `perWindow` a second, as rate-limiter.ts counts them:
 * in the second of the clock read before its Redis call. STARTED is stamped after that call, so
 * a start stamped at t was counted in t's second or, when the call straddled a second's end, the
 * one before. Each start, in time order, takes the earliest of its windows with room (with every
 * start's windows in the same order, that finds a fit whenever one exists).
 */
function fitsLimiterWindows(stamps: readonly number[], perWindow: number, graceMs: number): boolean {
  const counts = new Map<number, number>();
  for (const stamp of [...stamps].sort((a, b) => a - b)) {
    let window = Math.floor((stamp - graceMs) / 1000);
    while (window <= Math.floor(stamp / 1000) && (counts.get(window) ?? 0) >= perWindow) window += 1;
    if (window > Math.floor(stamp / 1000)) return false;
    counts.set(window, (counts.get(window) ?? 0) + 1);
  }
  return true;
}

/** A stage whose jobs sleep `sleepMs` (abortable) and count their starts. */
function sleepyStage(started: string[], options = {}) {
  return defineStage({
    stage: 'noop',
    options,
    handler: async ({ job, jobId, signal }) => {
      started.push(jobId);
      await sleep(job.sleepMs, undefined, { signal });
      return { 'sedano.NoopResult': { sleptMs: job.sleepMs, spunMs: 0, payload: null } };
    },
  });
}

test('a job revoked while queued never starts, also on a worker started after the revoke', async (t) => {
  const sandbox = await stageSandbox(t);
  const job = await sandbox.submit({ sleepMs: 10 });
  await sandbox.command({ command: 'REVOKE', jobId: job.header.jobId, reason: 'uploaded by mistake' });
  const started: string[] = [];
  await sandbox.start(sleepyStage(started));
  const events = await sandbox.eventsUntil(job.header.jobId, 'REVOKED');
  assert.deepEqual(states(events), ['REVOKED']);
  assert.equal(events[0]?.error?.code, 'SEDANO_ERR_JOB_REVOKED');
  assert.equal(events[0]?.error?.message, 'uploaded by mistake');
  assert.equal(events[0]?.startedAt, null, 'it never started');
  assert.deepEqual(started, []);
  const ttl = await sandbox.redis.ttl(sandbox.keys.revoked(job.header.jobId));
  assert.ok(ttl > 30 * 86_400, `remembered past the longest wait for an attempt (30 days), got ${ttl} s`);
  assert.equal(await sandbox.ledger.terminalState(job.header.jobId), 'REVOKED');
});

test("a job queued past its expiresAt never starts: REVOKED with SEDANO_ERR_JOB_EXPIRED (Celery's expires)", async (t) => {
  const sandbox = await stageSandbox(t);
  const expiresAt = Date.now() - 1;
  const expired = await sandbox.submit({ sleepMs: 10 }, undefined, 1, { expiresAt });
  const fresh = await sandbox.submit({ sleepMs: 10 }, undefined, 1, { expiresAt: Date.now() + 3_600_000 });
  const started: string[] = [];
  await sandbox.start(sleepyStage(started));
  const events = await sandbox.eventsUntil(expired.header.jobId, 'REVOKED');
  assert.deepEqual(states(events), ['REVOKED']);
  assert.deepEqual(
    { ...events[0]?.error },
    {
      code: 'SEDANO_ERR_JOB_EXPIRED',
      type: 'ExpiredError',
      message: `expired at ${new Date(expiresAt).toISOString()}`,
      retriable: false,
    },
  );
  assert.equal(events[0]?.startedAt, null, 'it never started');
  assert.equal(await sandbox.ledger.terminalState(expired.header.jobId), 'REVOKED');
  assert.deepEqual(states(await sandbox.eventsUntil(fresh.header.jobId, 'SUCCESS')), ['STARTED', 'SUCCESS']);
  assert.deepEqual(started, [fresh.header.jobId], 'only the job not expired ran');
});

test('a job that fails with its retry due after its expiry ends REVOKED expired at once, without a retry', async (t) => {
  const sandbox = await stageSandbox(t);
  const attempts: number[] = [];
  let expiresAt = Infinity;
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { retry: { initialBackoffMs: 200, maxAttempts: 3 } },
      handler: async ({ attempt }) => {
        attempts.push(attempt);
        // The attempt fails once the expiry has passed, so its retry would be due after it.
        await waitFor(() => Date.now() > expiresAt, { description: 'the expiry passed' });
        throw new Error('flaky dependency');
      },
    }),
  );
  expiresAt = Date.now() + 5_000;
  const job = await sandbox.submit({}, undefined, 1, { expiresAt });
  const events = await sandbox.eventsUntil(job.header.jobId, 'REVOKED');
  assert.deepEqual(states(events), ['STARTED', 'REVOKED']);
  const revoked = events.at(-1);
  assert.equal(revoked?.error?.code, 'SEDANO_ERR_JOB_EXPIRED');
  assert.match(revoked?.error?.message ?? '', /^expired at .*, before its retry at .*; attempt 1: flaky dependency$/);
  assert.deepEqual(attempts, [1], 'no retry was made');
  assert.equal(await sandbox.ledger.terminalState(job.header.jobId), 'REVOKED');
});

test('a job that waits for a free slot past its expiry does not run: REVOKED expired', async (t) => {
  const sandbox = await stageSandbox(t);
  const started: string[] = [];
  let expiresAt = Infinity;
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { concurrency: 1 },
      handler: async ({ jobId }) => {
        started.push(jobId);
        // The one slot stays taken until the second job's expiry has passed.
        await waitFor(() => Date.now() > expiresAt, { description: 'the expiry passed' });
        return { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };
      },
    }),
  );
  expiresAt = Date.now() + 4_000;
  const holding = await sandbox.submit();
  await waitFor(() => started.includes(holding.header.jobId), { description: 'the first job holds the slot' });
  const waiting = await sandbox.submit({}, undefined, 1, { expiresAt });
  const events = await sandbox.eventsUntil(waiting.header.jobId, 'REVOKED');
  assert.deepEqual(states(events), ['REVOKED']);
  assert.equal(events[0]?.error?.code, 'SEDANO_ERR_JOB_EXPIRED');
  assert.deepEqual(started, [holding.header.jobId], 'the expired job never ran');
  assert.deepEqual(states(await sandbox.eventsUntil(holding.header.jobId, 'SUCCESS')), ['STARTED', 'SUCCESS']);
});

test('a running job is revoked within 2 s: its signal aborts and it ends REVOKED', async (t) => {
  const sandbox = await stageSandbox(t);
  const started: string[] = [];
  await sandbox.start(sleepyStage(started));
  const job = await sandbox.submit({ sleepMs: 60_000 });
  await waitFor(() => started.includes(job.header.jobId), { description: 'the job started' });
  const revokedAt = Date.now();
  await sandbox.command({ command: 'REVOKE', jobId: job.header.jobId });
  const events = await sandbox.eventsUntil(job.header.jobId, 'REVOKED');
  const tookMs = (events.at(-1)?.occurredAt ?? Infinity) - revokedAt;
  t.diagnostic(`REVOKED ${tookMs} ms after the command was produced`);
  assert.ok(tookMs < 2_000, `took ${tookMs} ms`);
  assert.deepEqual(states(events), ['STARTED', 'REVOKED']);
});

test('the soft time limit aborts the signal; the hard limit fails an attempt that ignores it', async (t) => {
  const sandbox = await stageSandbox(t);
  await sandbox.start(
    defineStage({
      stage: 'noop',
      handler: async ({ job, signal }) => {
        // The "stubborn" job ignores its signal, as CPU-bound code without checks would.
        if (job.payload === 'stubborn') await sleep(job.sleepMs);
        else await sleep(job.sleepMs, undefined, { signal });
        return { 'sedano.NoopResult': { sleptMs: job.sleepMs, spunMs: 0, payload: null } };
      },
    }),
  );
  // Limits travel in the job header.
  const soft = await sandbox.submit({ sleepMs: 10_000, payload: 'cooperative' }, undefined, 1, {
    softTimeLimitMs: 300,
  });
  const hard = await sandbox.submit({ sleepMs: 10_000, payload: 'stubborn' }, undefined, 1, {
    softTimeLimitMs: 300,
    hardTimeLimitMs: 800,
  });
  const softEvents = await sandbox.eventsUntil(soft.header.jobId, 'FAILURE');
  assert.equal(softEvents.at(-1)?.error?.code, 'SEDANO_ERR_JOB_TIME_LIMIT');
  assert.match(softEvents.at(-1)?.error?.message ?? '', /soft time limit of 300 ms/);
  const hardEvents = await sandbox.eventsUntil(hard.header.jobId, 'FAILURE');
  assert.equal(hardEvents.at(-1)?.error?.code, 'SEDANO_ERR_JOB_TIME_LIMIT');
  assert.match(hardEvents.at(-1)?.error?.message ?? '', /hard time limit of 800 ms/);
  const ranMs = (hardEvents.at(-1)?.occurredAt ?? 0) - (hardEvents[0]?.occurredAt ?? 0);
  assert.ok(ranMs < 3_000, `the attempt ended at the hard limit, not after 10 s (${ranMs} ms)`);
});

test('PAUSE_STAGE stops taking jobs, RESUME_STAGE takes them again', async (t) => {
  const sandbox = await stageSandbox(t);
  const started: string[] = [];
  const runtime = await sandbox.start(sleepyStage(started));
  await sandbox.command({ command: 'PAUSE_STAGE', stage: 'NOOP' });
  await waitFor(() => runtime.paused, { description: 'the stage paused' });
  const job = await sandbox.submit({ sleepMs: 0 });
  // A negative can only be shown over some time: one second without the job starting.
  await assert.rejects(
    waitFor(() => started.includes(job.header.jobId), { description: 'a start while paused', timeoutMs: 1_000 }),
  );
  await sandbox.command({ command: 'RESUME_STAGE', stage: 'NOOP' });
  await waitFor(() => started.includes(job.header.jobId), { description: 'the job started after resume' });
  assert.equal(runtime.paused, false);
});

test("a worker starts from its stage's pause record: paused without the PAUSE_STAGE on the topic, and older commands do not undo it", async (t) => {
  const sandbox = await stageSandbox(t);
  // The PAUSE_STAGE has left the control topic (it keeps a day); a RESUME_STAGE from before it
  // is still there. Only the record the gateway wrote says the stage is paused.
  const pausedAt = Date.now();
  await sandbox.command({ command: 'RESUME_STAGE', stage: 'noop', issuedAt: pausedAt - 60_000 });
  await writePauseRecord(sandbox.redis, sandbox.keys.stagePause('noop'), { paused: true, by: 'test', at: pausedAt });
  const started: string[] = [];
  const runtime = await sandbox.start(sleepyStage(started));
  assert.equal(runtime.paused, true, 'paused before taking any job in');
  const job = await sandbox.submit({ sleepMs: 0 });
  // Commands are read in order: once a later PING is answered, the old RESUME_STAGE was read too.
  const pingId = randomUUID();
  await sandbox.command({ command: 'PING', commandId: pingId });
  await waitFor(async () => (await sandbox.presence.pongs(pingId)).length > 0, { description: 'the PING answered' });
  assert.equal(runtime.paused, true, 'the older RESUME_STAGE did not resume it');
  assert.equal(started.length, 0, 'no job started');
  // As the gateway resumes: the record, then the command.
  await writePauseRecord(sandbox.redis, sandbox.keys.stagePause('noop'), { paused: false, by: 'test', at: Date.now() });
  await sandbox.command({ command: 'RESUME_STAGE', stage: 'noop' });
  await waitFor(() => started.includes(job.header.jobId), { description: 'the job started after a newer resume' });
});

// Was: a worker started while the record held a pause from a gateway whose clock ran ahead
// skipped a later resume from another gateway (its time was earlier), and stayed paused.
test('a worker comes back to its pause record within a presence interval, whatever the commands said', async (t) => {
  const sandbox = await stageSandbox(t);
  const key = sandbox.keys.stagePause('noop');
  const ahead = Date.now() + 60_000;
  await writePauseRecord(sandbox.redis, key, { paused: true, by: 'gateway-ahead', at: ahead });
  await sandbox.command({ command: 'PAUSE_STAGE', stage: 'noop', issuedAt: ahead });
  const started: string[] = [];
  const runtime = await sandbox.start(sleepyStage(started), undefined, { presenceIntervalMs: 200 });
  assert.equal(runtime.paused, true);
  const job = await sandbox.submit({ sleepMs: 0 });
  await writePauseRecord(sandbox.redis, key, { paused: false, by: 'gateway-behind', at: Date.now() });
  await sandbox.command({ command: 'RESUME_STAGE', stage: 'noop' });
  await waitFor(() => started.includes(job.header.jobId), { description: 'the job started: the record says resumed' });
  // And the other way: a record written with no command reaching the worker pauses it too.
  await writePauseRecord(sandbox.redis, key, { paused: true, by: 'test', at: Date.now() });
  await waitFor(() => runtime.paused, { description: 'paused from the record alone' });
});

test("an operator's rate limit reaches a running stage's workers; without it, the stage's own (none) applies again", async (t) => {
  const sandbox = await stageSandbox(t);
  const started: string[] = [];
  await sandbox.start(sleepyStage(started), undefined, { presenceIntervalMs: 200 });
  const workerLimit = async () => (await sandbox.presence.list('noop'))[0]?.rateLimitPerSecond;
  await waitFor(async () => (await workerLimit()) === null, { description: 'the worker runs without a limit' });
  const key = sandbox.keys.stageRateLimit('noop');
  await writeRateLimitRecord(sandbox.redis, key, { perSecond: 5, by: 'test', at: Date.now() });
  await waitFor(async () => (await workerLimit()) === 5, { description: "the worker applies the operator's limit" });
  const startStamps = async (jobs: { header: { jobId: string } }[]) => {
    const ids = new Set(jobs.map((job) => job.header.jobId));
    return waitFor(
      async () => {
        const starts = (await sandbox.allEvents()).filter((e) => e.state === 'STARTED' && ids.has(e.jobId));
        return starts.length >= ids.size && starts.map((event) => event.occurredAt);
      },
      { description: `${ids.size} jobs started`, timeoutMs: 30_000 },
    );
  };
  const limited = await startStamps(await sandbox.submitMany(Array.from({ length: 20 }, () => ({ sleepMs: 0 }))));
  assert.ok(fitsLimiterWindows(limited, 5, STAMP_GRACE_MS), 'never more than 5 starts in one second of the limiter');
  // 20 starts at 5 a window take four windows (as in the test below, with 40 at 10).
  const spanMs = Math.max(...limited) - Math.min(...limited);
  assert.ok(spanMs >= 2000 - STAMP_GRACE_MS, `spread over four windows (first to last start: ${spanMs} ms)`);

  await writeRateLimitRecord(sandbox.redis, key, undefined);
  await waitFor(async () => (await workerLimit()) === null, { description: "the worker is back on the stage's own" });
  const free = await startStamps(await sandbox.submitMany(Array.from({ length: 20 }, () => ({ sleepMs: 0 }))));
  assert.ok(!fitsLimiterWindows(free, 5, STAMP_GRACE_MS), 'more than 5 starts in a second: no limit any more');
});

test('a rate limit is shared by all the workers of a stage', async (t) => {
  const sandbox = await stageSandbox(t, { lanePartitions: 4 });
  const stage = defineStage({
    stage: 'noop',
    options: { rateLimitPerSecond: 10 },
    handler: async () => ({ 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } }),
  });
  const first = await sandbox.start(stage);
  const second = await sandbox.start(stage);
  // Both in the group before the jobs come: the first has rebalanced to share the partitions.
  await waitFor(() => first.groupJoins >= 2 && second.groupJoins >= 1, {
    description: 'both workers joined the group',
    timeoutMs: 60_000,
  });
  const jobs = await sandbox.submitMany(Array.from({ length: 40 }, () => ({})));
  const started = await waitFor(
    async () => {
      const events = await sandbox.allEvents();
      const starts = events.filter((event) => event.state === 'STARTED');
      return starts.length >= jobs.length && starts;
    },
    { description: 'all 40 jobs started', timeoutMs: 30_000 },
  );
  const perSecond = new Map<number, number>();
  for (const event of started) {
    const second = Math.floor(event.occurredAt / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  t.diagnostic(`starts per second: ${[...perSecond.values()].join(', ')}`);
  const stamps = started.map((event) => event.occurredAt);
  assert.ok(fitsLimiterWindows(stamps, 10, STAMP_GRACE_MS), 'never more than 10 starts in one second of the limiter');
  // 40 starts at 10 a window take four windows: the last start's clock read is at least three
  // seconds after the first window began, and the first start is stamped at most one second and
  // the grace after that. (Counting the stamps' seconds is not enough: a start counted at the end
  // of one window may be stamped in the next, so four windows can show as three seconds.)
  const spanMs = Math.max(...stamps) - Math.min(...stamps);
  assert.ok(spanMs >= 2000 - STAMP_GRACE_MS, `spread over four windows (first to last start: ${spanMs} ms)`);
  assert.equal(new Set(started.map((event) => event.workerId)).size, 2, 'both workers ran jobs');
});
