/**
 * Workers killed with SIGKILL at random moments while 2,000 jobs run: no job is lost, each
 * ends in exactly one terminal state, and the idempotent side effect happened once per job
 * although some jobs ran more than once (their raw execution counts show the redeliveries).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import { redisClient, uniqueName } from '../../support/resources.ts';
import { startStageWorkerProcess } from '../../support/stage-worker-process.ts';
import { waitFor } from '../../support/wait.ts';
import { stageSandbox } from '../services/lib/runtime/stage-sandbox.ts';

const JOBS = 2_000;
const WORKERS = 3;
const KILLS = 5;
const WORKER = new URL('fault-worker.ts', import.meta.url).pathname;

async function countDone(redis: Redis, keys: RedisKeys, jobIds: readonly string[]): Promise<number> {
  const states = await redis.mget(...jobIds.map((jobId) => keys.ledger(jobId)));
  return states.filter((state) => state !== null).length;
}

test(
  `${JOBS} jobs survive workers killed with SIGKILL: none lost, no duplicated effect`,
  { timeout: 600_000 },
  async (t) => {
    const sandbox = await stageSandbox(t, { lanePartitions: 6 });
    const { redis, prefix, keys } = redisClient(t);
    const effectsPrefix = `${prefix}effects:`;
    const workers = new Map<number, ChildProcess>();
    let kills = 0;

    async function startWorker(slot: number): Promise<void> {
      const config = {
        topics: sandbox.topics,
        workerId: uniqueName(`fault-worker-${slot}`),
        redisNamespace: keys.namespace,
        extra: { effectsPrefix },
      };
      workers.set(slot, await startStageWorkerProcess(t, WORKER, config));
    }

    for (let slot = 0; slot < WORKERS; slot += 1) await startWorker(slot);
    const jobs = await sandbox.submitMany(
      Array.from({ length: JOBS }, (_, index) => ({ sleepMs: 300 + (index % 200) })),
    );
    const jobIds = jobs.map((job) => job.header.jobId);

    // Chaos: up to KILLS times, 3-6 s apart (longer than a rebalance, so the group works between
    // kills), a random worker is killed while it runs jobs and replaced at once.
    while (kills < KILLS && (await countDone(redis, keys, jobIds)) < JOBS * 0.9) {
      await new Promise((resolve) => setTimeout(resolve, 3_000 + Math.random() * 3_000));
      const slot = Math.floor(Math.random() * WORKERS);
      workers.get(slot)?.kill('SIGKILL');
      kills += 1;
      if (process.env['SEDANO_FAULT_TRACE'])
        process.stderr.write(`${new Date().toISOString()} killed worker ${slot}\n`);
      await startWorker(slot);
    }
    await waitFor(
      async () => {
        const done = await countDone(redis, keys, jobIds);
        if (process.env['SEDANO_FAULT_TRACE']) process.stderr.write(`${new Date().toISOString()} done ${done}\n`);
        return done === JOBS;
      },
      {
        description: `all ${JOBS} jobs ended`,
        timeoutMs: 300_000,
        intervalMs: 500,
      },
    );

    const states = await redis.mget(...jobIds.map((jobId) => keys.ledger(jobId)));
    assert.deepEqual(new Set(states), new Set(['SUCCESS']), 'every job succeeded');
    const effects = await redis.mget(...jobIds.map((jobId) => `${effectsPrefix}once:${jobId}`));
    assert.equal(
      effects.filter((value) => value !== null).length,
      JOBS,
      'the idempotent effect happened for every job',
    );
    const raw = (await redis.mget(...jobIds.map((jobId) => `${effectsPrefix}raw:${jobId}`))).map(Number);
    const executions = raw.reduce((sum, count) => sum + count, 0);
    const redelivered = raw.filter((count) => count > 1).length;

    // Each job's terminal status events name one state only (a redelivered job may repeat it).
    const terminal = new Map<string, Set<string>>();
    await waitFor(
      async () => {
        terminal.clear();
        for (const event of await sandbox.allEvents()) {
          if (['SUCCESS', 'FAILURE', 'REVOKED'].includes(event.state)) {
            terminal.set(event.jobId, (terminal.get(event.jobId) ?? new Set()).add(event.state));
          }
        }
        return jobIds.every((jobId) => terminal.has(jobId));
      },
      { description: 'a terminal status event for every job', timeoutMs: 60_000, intervalMs: 1_000 },
    );
    assert.ok(jobIds.every((jobId) => terminal.get(jobId)?.size === 1 && terminal.get(jobId)?.has('SUCCESS')));
    t.diagnostic(
      `${JOBS} jobs, ${kills} SIGKILLs: lost 0, idempotent effects ${JOBS} (duplicates 0), ` +
        `raw executions ${executions} (${redelivered} jobs ran more than once and were absorbed)`,
    );
    assert.ok(executions >= JOBS);

    for (const child of workers.values()) child.kill('SIGTERM');
    await Promise.all(
      [...workers.values()].map((child) => (child.exitCode === null ? once(child, 'exit') : Promise.resolve())),
    );
  },
);
