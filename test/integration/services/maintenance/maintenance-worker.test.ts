/**
 * The maintenance worker's failure paths: a task that throws is reported FAILURE and its key
 * ends with it, so the slot delivered again is skipped and the next slot runs; a task this
 * worker does not run fails at once; a run revoked before it starts is not run, and one revoked
 * while it runs is aborted, both REVOKED; a run taken after its expiry (its schedule's next slot)
 * is not run. And its presence: a record naming the run in progress with its progress, a PING
 * answered, the record gone once the worker is closed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maintenanceRun } from '../../../../services/scheduler/maintenance-run.ts';
import { createRunEmitter } from '../../../../services/scheduler/schedule-control.ts';
import { slotIdempotencyKey } from '../../../../services/scheduler/slot-identity.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { revokeCommand } from '../../../../services/gateway/revoke.ts';
import { createRevocations } from '../../../../services/lib/runtime/revocations.ts';
import { createWorkerPresence } from '../../../../services/lib/worker-presence.ts';
import type { ControlCommand } from '../../../../schemas/control-command.ts';
import { contractBindings } from '../../../../topology/contracts.ts';
import { testNames, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { schedulerSandbox, startTestMaintenance } from '../scheduler/scheduler-harness.ts';

test(
  'a failed run is reported FAILURE and its key ends with it: a repeat is skipped, the next slot runs; an unknown task fails',
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    let attempts = 0;
    const worker = await startTestMaintenance(t, sandbox, {
      tasks: {
        BACKUP: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('the disk is full');
          return { summary: 'ok', itemsAffected: 1, counts: { files: 1 } };
        },
      },
    });
    const emit = createRunEmitter(sandbox);
    const slot = 1_764_470_400_000;
    const runOf = (name: string, task: 'BACKUP' | 'OPTIMIZE_INDEX', slotMs: number) =>
      maintenanceRun({ name, task }, slotMs, slotIdempotencyKey(name, slotMs), Date.now(), 'test');
    const backup = runOf('backup', 'BACKUP', slot);
    const optimise = runOf('optimise', 'OPTIMIZE_INDEX', slot);
    await emit(backup);
    await emit(optimise);
    await waitFor(() => worker.counts.failed === 2, { description: 'both failed', timeoutMs: 30_000 });
    // The same slot again (a redelivery, a slot emitted twice): run again under the same job id,
    // its success would go unseen behind the FAILURE. The next slot is a job of its own.
    const nextDay = runOf('backup', 'BACKUP', slot + 86_400_000);
    await emit(backup);
    await emit(nextDay);
    await waitFor(() => worker.counts.ran === 1, { description: "the next slot's backup ran", timeoutMs: 30_000 });
    assert.equal(worker.counts.skipped, 1, 'the repeat was skipped');
    assert.equal(attempts, 2);

    const events = await waitFor(
      async () => {
        const all = await sandbox.statuses();
        return all.filter((event) => event.state === 'FAILURE' || event.state === 'SUCCESS').length === 3 && all;
      },
      { description: 'two failures and a success', timeoutMs: 30_000 },
    );
    const ends = (jobId: string) =>
      events.filter((event) => event.jobId === jobId && event.state !== 'PENDING' && event.state !== 'STARTED');
    assert.deepEqual(
      ends(backup.request.jobId).map((event) => event.state),
      ['FAILURE'],
    );
    assert.match(ends(backup.request.jobId)[0]?.error?.message ?? '', /the disk is full/);
    assert.deepEqual(
      ends(nextDay.request.jobId).map((event) => event.state),
      ['SUCCESS'],
    );
    const [unknown] = ends(optimise.request.jobId);
    assert.equal(unknown?.state, 'FAILURE');
    assert.match(unknown?.error?.message ?? '', /does not run OPTIMIZE_INDEX/);
  },
);

test(
  'a run revoked before it starts is not run; one revoked while it runs is aborted; both end REVOKED',
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const names = testNames();
    const ran: string[] = [];
    let backupStarted = false;
    const worker = await startTestMaintenance(t, sandbox, {
      tasks: {
        CACHE_CLEANUP: async ({ request }) => {
          ran.push(request.jobId);
          return { summary: 'ok', itemsAffected: 0, counts: {} };
        },
        // Runs until its signal is aborted, as a long backup that checks it would.
        BACKUP: async ({ signal }) => {
          backupStarted = true;
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          signal.throwIfAborted();
          return { summary: 'never', itemsAffected: 0, counts: {} };
        },
      },
    });
    const emit = createRunEmitter(sandbox);
    const run = (name: string, task: 'CACHE_CLEANUP' | 'BACKUP') => {
      const slot = 1_764_470_400_000;
      return maintenanceRun({ name, task }, slot, slotIdempotencyKey(name, slot), Date.now(), 'test');
    };
    const revokedEvent = (jobId: string) =>
      waitFor(
        async () => (await sandbox.statuses()).find((event) => event.jobId === jobId && event.state === 'REVOKED'),
        { description: `REVOKED of ${jobId}`, timeoutMs: 30_000 },
      );

    // Revoked while queued (the gateway remembers the revocation at once), then delivered.
    const queued = run(uniqueName('cleanup'), 'CACHE_CLEANUP');
    await createRevocations({ redis: sandbox.redis, keys: sandbox.keys }).revoke(queued.request.jobId, 'not tonight');
    await emit(queued);
    const refused: JobStatusEvent = await revokedEvent(queued.request.jobId);
    assert.equal(refused.error?.code, 'SEDANO_ERR_JOB_REVOKED');
    assert.equal(refused.error?.message, 'not tonight');
    assert.equal(refused.startedAt, null, 'it never started');
    // A later run of another schedule runs: the worker went on.
    const later = run(uniqueName('cleanup'), 'CACHE_CLEANUP');
    await emit(later);
    await waitFor(() => worker.counts.ran === 1, { description: 'the later run ran', timeoutMs: 30_000 });
    assert.deepEqual(ran, [later.request.jobId], 'the revoked run never ran');
    assert.equal(await sandbox.redis.get(sandbox.keys.maintenanceRun(queued.request.idempotencyKey)), null);

    // Revoked while it runs: a REVOKE command on the control topic aborts its task.
    const long = run(uniqueName('backup'), 'BACKUP');
    await emit(long);
    await waitFor(() => backupStarted, { description: 'the backup started', timeoutMs: 30_000 });
    const command = revokeCommand(long.request.jobId, 'stop the backup', 'test', Date.now());
    await sandbox.producer.send(names.controlTopic, [
      await sandbox.codec.toMessage(contractBindings(names).control, command.commandId, command),
    ]);
    const aborted = await revokedEvent(long.request.jobId);
    assert.equal(aborted.error?.message, 'stop the backup');
    const states = (await sandbox.statuses())
      .filter((event) => event.jobId === long.request.jobId)
      .map((event) => event.state);
    // The PENDING may follow the worker's first event: the emitter writes it after the request.
    assert.deepEqual(
      states.filter((state) => state !== 'PENDING'),
      ['STARTED', 'REVOKED'],
    );
    assert.equal(states.filter((state) => state === 'PENDING').length, 1);
    assert.deepEqual(worker.counts, { ran: 1, skipped: 0, failed: 0, revoked: 2, expired: 0 });
    // Its key is free again (an immediate run, with its own key, is what runs it later).
    assert.equal(await sandbox.redis.get(sandbox.keys.maintenanceRun(long.request.idempotencyKey)), null);
  },
);

test(
  "a run taken after its expiry (its schedule's next slot) ends REVOKED as expired and frees its key; one not expired runs",
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const ran: string[] = [];
    const worker = await startTestMaintenance(t, sandbox, {
      tasks: {
        CACHE_CLEANUP: async ({ request }) => {
          ran.push(request.jobId);
          return { summary: 'ok', itemsAffected: 0, counts: {} };
        },
      },
    });
    const emit = createRunEmitter(sandbox);
    // An hourly schedule's runs, as a scheduler fired them while no maintenance worker took them:
    // the one of two hours ago expired when the next hour came; the current hour's has not.
    const name = uniqueName('cleanup');
    const hour = 3_600_000;
    const current = Math.floor(Date.now() / hour) * hour;
    const runOf = (slot: number) =>
      maintenanceRun({ name, task: 'CACHE_CLEANUP' }, slot, slotIdempotencyKey(name, slot), slot, 'test', slot + hour);
    const superseded = runOf(current - 2 * hour);
    const latest = runOf(current);
    await emit(superseded);
    await emit(latest);
    await waitFor(() => worker.counts.ran === 1, { description: 'the current run ran', timeoutMs: 30_000 });
    assert.deepEqual(ran, [latest.request.jobId], 'the superseded run never ran');
    assert.deepEqual(worker.counts, { ran: 1, skipped: 0, failed: 0, revoked: 0, expired: 1 });

    const events = (await sandbox.statuses()).filter((event) => event.jobId === superseded.request.jobId);
    // In either order: the emitter writes the PENDING after the request, which the worker may refuse first.
    assert.deepEqual(events.map((event) => event.state).sort(), ['PENDING', 'REVOKED']);
    const pending = events.find((event) => event.state === 'PENDING');
    const revoked = events.find((event) => event.state === 'REVOKED');
    assert.equal(pending?.expiresAt, current - hour, 'the PENDING shows when it expires');
    assert.equal(revoked?.error?.code, 'SEDANO_ERR_JOB_EXPIRED');
    assert.match(revoked?.error?.message ?? '', /^expired at .*: the schedule's next slot came before it started$/);
    assert.equal(revoked?.startedAt, null, 'it never started');
    assert.equal(revoked?.expiresAt, current - hour);
    assert.equal(await sandbox.redis.get(sandbox.keys.maintenanceRun(superseded.request.idempotencyKey)), null);

    // Delivered again past its expiry while another worker runs it, or after it ran: skipped like
    // any repeat, with no event of its own, not reported expired over the run's outcome.
    const heldElsewhere = runOf(current - 3 * hour);
    const alreadyRan = runOf(current - 4 * hour);
    const ledgerKey = (run: typeof latest) => sandbox.keys.maintenanceRun(run.request.idempotencyKey);
    await sandbox.redis.set(ledgerKey(heldElsewhere), 'running:another-worker', 'PX', 60_000);
    await sandbox.redis.set(ledgerKey(alreadyRan), `done:${alreadyRan.request.jobId}`, 'PX', 60_000);
    const next = runOf(current + hour);
    for (const run of [heldElsewhere, alreadyRan, next]) await emit(run);
    // One partition, taken in order: once the last has run, the two before it were handled.
    await waitFor(() => worker.counts.ran === 2, { description: 'the next run ran', timeoutMs: 30_000 });
    assert.deepEqual(worker.counts, { ran: 2, skipped: 2, failed: 0, revoked: 0, expired: 1 });
    const statuses = await sandbox.statuses();
    for (const run of [heldElsewhere, alreadyRan]) {
      const states = statuses.filter((event) => event.jobId === run.request.jobId).map((event) => event.state);
      assert.deepEqual(states, ['PENDING'], `a repeat adds no event: ${states.join(', ')}`);
    }
    assert.equal(await sandbox.redis.get(ledgerKey(heldElsewhere)), 'running:another-worker', 'its holder keeps it');
  },
);

test(
  'the maintenance worker publishes its presence with the run in progress, answers a PING, and leaves on close',
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const names = testNames();
    const presence = createWorkerPresence({ redis: sandbox.redis, keys: sandbox.keys });
    const workerId = uniqueName('maintenance-presence');
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const worker = await startTestMaintenance(t, sandbox, {
      workerId,
      presenceIntervalMs: 200,
      progressIntervalMs: 0,
      tasks: {
        // Reports one of two steps, then holds until the test lets it finish.
        BACKUP: async ({ progress }) => {
          progress(1, 2, 'vector store copied');
          await finished;
          return { summary: 'ok', itemsAffected: 1, counts: {} };
        },
      },
    });
    const mine = async () => (await presence.list('maintenance')).find((record) => record.workerId === workerId);

    const idle = await waitFor(mine, { description: 'the idle worker is present', timeoutMs: 10_000 });
    assert.deepEqual(
      { stage: idle.stage, concurrency: idle.concurrency, paused: idle.paused, running: idle.running },
      { stage: 'maintenance', concurrency: 1, paused: false, running: [] },
    );
    assert.deepEqual(idle.processed, { succeeded: 0, failed: 0, retried: 0, revoked: 0 });

    const slot = 1_764_470_400_000;
    const name = uniqueName('backup');
    const backup = maintenanceRun({ name, task: 'BACKUP' }, slot, slotIdempotencyKey(name, slot), Date.now(), 'test');
    await createRunEmitter(sandbox)(backup);
    const busy = await waitFor(
      async () => {
        const record = await mine();
        return record?.running[0]?.progress !== null && record?.running[0]?.progress !== undefined && record;
      },
      { description: 'the record shows the run with its progress', timeoutMs: 30_000 },
    );
    assert.equal(busy.running.length, 1);
    assert.equal(busy.running[0]?.jobId, backup.request.jobId);
    assert.deepEqual(busy.running[0]?.progress, { current: 1, total: 2, message: 'vector store copied' });

    // A PING naming the maintenance stage is answered (one naming another stage is not).
    const ping = (stage: string | null): ControlCommand => ({
      commandId: crypto.randomUUID(),
      command: 'PING',
      jobId: null,
      stage,
      reason: null,
      requester: 'test',
      issuedAt: Date.now(),
    });
    const toMaintenance = ping('maintenance');
    const toNoop = ping('noop');
    const bindings = contractBindings(names);
    await sandbox.producer.send(names.controlTopic, [
      await sandbox.codec.toMessage(bindings.control, toNoop.commandId, toNoop),
      await sandbox.codec.toMessage(bindings.control, toMaintenance.commandId, toMaintenance),
    ]);
    const [answer] = await waitFor(
      async () => {
        const answers = await presence.pongs(toMaintenance.commandId);
        return answers.length > 0 && answers;
      },
      { description: 'the PING is answered', timeoutMs: 30_000 },
    );
    assert.equal(answer?.workerId, workerId);
    assert.ok((answer?.uptimeMs ?? -1) >= 0);
    // Commands are applied in order, so the noop PING before it was read and not answered.
    assert.deepEqual(await presence.pongs(toNoop.commandId), []);

    finish();
    await waitFor(async () => (await mine())?.running.length === 0, {
      description: 'the finished run leaves the record',
      timeoutMs: 30_000,
    });
    // Counted once it ended, as a stage worker counts its attempts.
    await waitFor(async () => (await mine())?.processed?.succeeded === 1, {
      description: 'the run counted as succeeded',
      timeoutMs: 30_000,
    });
    await worker.close();
    assert.equal(await mine(), undefined, 'a closed worker has no presence record');
  },
);
