/**
 * The maintenance worker's failure paths: a task that throws is reported FAILURE and frees its
 * key, so the slot delivered again runs; a task this worker does not run fails at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { startMaintenance } from '../../../../services/maintenance/maintenance-worker.ts';
import { maintenanceRun } from '../../../../services/scheduler/maintenance-run.ts';
import { createRunEmitter } from '../../../../services/scheduler/schedule-control.ts';
import { slotIdempotencyKey } from '../../../../services/scheduler/slot-identity.ts';
import { kafkaClient, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { schedulerSandbox } from '../scheduler/scheduler-harness.ts';

test(
  'a failed run is reported FAILURE and runs again when its slot comes again; an unknown task fails',
  { timeout: 60_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    let attempts = 0;
    const worker = await startMaintenance({
      kafka: kafkaClient(),
      codec: sandbox.codec,
      redis: sandbox.redis,
      logger: pino({ level: 'silent' }),
      ledgerPrefix: `${sandbox.keyPrefix}runs:`,
      maintenanceTopic: sandbox.maintenanceTopic,
      statusTopic: sandbox.statusTopic,
      groupId: uniqueName('test-maintenance'),
      tasks: {
        BACKUP: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('the disk is full');
          return { summary: 'ok', itemsAffected: 1, counts: { files: 1 } };
        },
      },
    });
    onCleanup(t, () => worker.close());
    const emit = createRunEmitter(sandbox);
    const slot = 1_764_470_400_000;
    const backup = maintenanceRun(
      { name: 'backup', task: 'BACKUP' },
      slot,
      slotIdempotencyKey('backup', slot),
      Date.now(),
      'test',
    );
    const optimise = maintenanceRun(
      { name: 'optimise', task: 'OPTIMIZE_INDEX' },
      slot,
      slotIdempotencyKey('optimise', slot),
      Date.now(),
      'test',
    );
    await emit(backup);
    await emit(optimise);
    await waitFor(() => worker.counts.failed === 2, { description: 'both failed', timeoutMs: 30_000 });
    await emit(backup);
    await waitFor(() => worker.counts.ran === 1, {
      description: 'the backup ran on its second delivery',
      timeoutMs: 30_000,
    });
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
      ['FAILURE', 'SUCCESS'],
    );
    assert.match(ends(backup.request.jobId)[0]?.error?.message ?? '', /the disk is full/);
    const [unknown] = ends(optimise.request.jobId);
    assert.equal(unknown?.state, 'FAILURE');
    assert.match(unknown?.error?.message ?? '', /does not run OPTIMIZE_INDEX/);
  },
);
