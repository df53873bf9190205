/**
 * Three schedulers (child processes) run a per-second schedule at once: every slot is fired
 * exactly once and none is missed, also when one of them is SIGKILLed holding a slot's claim
 * before emitting it (its lease expires and another scheduler fires the slot).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { bySlot, schedulerSandbox } from './scheduler-harness.ts';
import { uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { slotIdempotencyKey } from '../../../../services/scheduler/slot-identity.ts';

const PROCESS = new URL('scheduler-process.ts', import.meta.url).pathname;
const SLOTS_AFTER_KILL = 6;

test(
  'three schedulers fire each slot of a per-second schedule exactly once, none missed, one SIGKILLed holding a claim',
  { timeout: 120_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    // `all`: a slot fired late after a lease (its next slot come) is still wanted; under latest
    // it would be superseded and not fired (scheduler.ts).
    const schedule = {
      name: uniqueName('every-second'),
      task: 'CACHE_CLEANUP',
      cron: '* * * * * *',
      missedSlots: 'all',
    } as const;
    const children: ChildProcess[] = [];
    t.after(() => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const lines: string[] = [];
    async function start(index: number, role: { dieAfterClaims: number } | { claimHandicapMs: number }) {
      const config = {
        redisNamespace: sandbox.keys.namespace,
        maintenanceTopic: sandbox.maintenanceTopic,
        statusTopic: sandbox.statusTopic,
        schedules: [schedule],
        schedulerId: `scheduler-${index}`,
        claimLeaseMs: 2_000,
        lateToleranceMs: 5_000,
        pollIntervalMs: 250,
        ...role,
      };
      const child = spawn(process.execPath, [PROCESS], {
        env: { ...process.env, SEDANO_TEST_SCHEDULER: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      child.stdout?.on('data', (data: Buffer) =>
        lines.push(
          ...data
            .toString()
            .trim()
            .split('\n')
            .map((line) => `${index}: ${line}`),
        ),
      );
      await waitFor(() => lines.includes(`${index}: ready`) || child.exitCode !== null, {
        description: `scheduler ${index} ready`,
        timeoutMs: 30_000,
      });
      return child;
    }

    // The third scheduler dies right after its third claim, before emitting that slot. The other
    // two claim 50 ms late, so it wins its slots (scheduler-process.ts) and they race each other.
    const late = { claimHandicapMs: 50 };
    const [first, second, doomed] = await Promise.all([
      start(0, late),
      start(1, late),
      start(2, { dieAfterClaims: 3 }),
    ]);
    assert.ok(first && second && doomed);
    await waitFor(() => doomed.signalCode === 'SIGKILL', {
      description: 'the third scheduler killed itself holding a claim',
      timeoutMs: 30_000,
    }).catch(async (error: unknown) => {
      const emitted = (await sandbox.statuses()).map((event) => event.workerId);
      t.diagnostic(
        `the third scheduler is ${doomed.exitCode === null ? 'running' : `gone (code ${doomed.exitCode})`}; ` +
          `slots emitted by ${[...new Set(emitted)].map((id) => `${id} ${emitted.filter((e) => e === id).length}`).join(', ')}`,
      );
      throw error;
    });
    const killedAt = Date.now();
    const dying = lines.find((line) => line.startsWith('2: dying holding'));
    assert.ok(dying, 'it died holding a claim');
    const heldSlot = Number(dying.split(':slot:')[1]);

    await waitFor(
      async () =>
        [...bySlot(await sandbox.requests()).keys()].filter((slot) => slot > killedAt).length >= SLOTS_AFTER_KILL,
      { description: `${SLOTS_AFTER_KILL} slots fired after the kill`, timeoutMs: 30_000 },
    );
    for (const child of [first, second]) child.kill('SIGTERM');
    await Promise.all(
      [first, second].map((child) => (child.exitCode === null ? once(child, 'exit') : Promise.resolve())),
    );

    const requests = await sandbox.requests();
    const slots = bySlot(requests);
    const fired = [...slots.keys()];
    assert.ok(fired.length >= SLOTS_AFTER_KILL + 3, `several slots fired (${fired.length})`);
    for (let index = 1; index < fired.length; index += 1) {
      assert.equal(
        fired[index]! - fired[index - 1]!,
        1_000,
        `no slot missed between ${new Date(fired[index - 1]!).toISOString()} and the next`,
      );
    }
    assert.ok(slots.has(heldSlot), 'the slot the dead scheduler held was fired by another');
    for (const [slot, runs] of slots) {
      assert.equal(runs.length, 1, `slot ${new Date(slot).toISOString()} fired exactly once`);
      assert.equal(runs[0]!.idempotencyKey, slotIdempotencyKey(schedule.name, slot));
    }
    // Each run has its PENDING event, written after the request.
    await sandbox.collected.until(
      (messages) => messages.filter((message) => message.topic === sandbox.statusTopic).length >= requests.length,
      'a PENDING event per run',
    );
    const pending = await sandbox.statuses();
    assert.deepEqual(new Set(pending.map((event) => event.jobId)), new Set(requests.map((request) => request.jobId)));
    const emitters = new Set(pending.map((event) => event.workerId));
    t.diagnostic(
      `slots fired ${fired.length}, emitters ${[...emitters].join(', ')}, held slot fired ${new Date(heldSlot).toISOString()}`,
    );
  },
);
