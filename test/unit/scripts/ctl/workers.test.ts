import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activeJobs,
  formatActiveJobs,
  formatProcessed,
  formatStatus,
  stageWorkers,
} from '../../../../scripts/ctl/workers.ts';
import type { WorkerRecord } from '../../../../services/lib/worker-presence.ts';

const NOW = 1_750_000_000_000;

function record(workerId: string, overrides: Partial<WorkerRecord> = {}): WorkerRecord {
  return {
    workerId,
    stage: 'noop',
    host: 'host-a',
    pid: 10,
    startedAt: NOW - 90_000,
    heartbeatAt: NOW - 2_000,
    concurrency: 8,
    ownConcurrency: 8,
    rateLimitPerSecond: null,
    paused: false,
    running: [],
    processed: { succeeded: 10, failed: 2, retried: 1, revoked: 0 },
    loadAverage: [1.5, 1, 0.5],
    rssBytes: 200 * 1_048_576,
    ...overrides,
  };
}

test('a group member is alive; a presence record without membership is not in the group', () => {
  const workers = stageWorkers(
    'noop',
    [
      { memberId: 'm-1', clientId: 'noop@a:1', host: '/127.0.0.1' },
      { memberId: 'm-2', clientId: 'noop@b:2', host: '/127.0.0.2' },
    ],
    [record('noop@a:1', { running: [{ jobId: 'j', attempt: 1, startedAt: NOW, progress: null }] }), record('noop@c:3')],
    NOW,
  );
  assert.deepEqual(
    workers.map((worker) => [worker.workerId, worker.state, worker.heartbeat, worker.running]),
    [
      ['noop@a:1', 'alive', true, 1],
      ['noop@b:2', 'alive', false, null],
      ['noop@c:3', 'not-in-group', true, 0],
    ],
  );
  assert.equal(workers[0]?.uptimeMs, 90_000);
  assert.equal(workers[0]?.lastHeartbeatMs, 2_000);
  assert.equal(workers[1]?.host, '/127.0.0.2', "a worker without presence shows the group's host");
});

test('status lines name stages without workers', () => {
  const workers = stageWorkers('noop', [{ memberId: 'm', clientId: 'noop@a:1', host: 'h' }], [record('noop@a:1')], NOW);
  const lines = formatStatus(['indexing', 'noop'], workers);
  assert.match(lines[1] ?? '', /^indexing\s+\(no workers\)$/);
  assert.match(
    lines[2] ?? '',
    /^noop\s+noop@a:1\s+alive\s+0\/8\s+13 \(2 failed, 1 retried\)\s+1m30s\s+2\.0s ago\s+host-a$/,
  );
});

test('processed: the attempts ended, and the ones that did not succeed, when there are', () => {
  assert.equal(formatProcessed({ succeeded: 7, failed: 0, retried: 0, revoked: 0 }), '7');
  assert.equal(formatProcessed({ succeeded: 7, failed: 1, retried: 0, revoked: 2 }), '10 (1 failed, 2 revoked)');
  const earlier = stageWorkers('noop', [], [record('noop@old:1', { processed: null })], NOW);
  assert.match(formatStatus(['noop'], earlier)[1] ?? '', /^noop\s+noop@old:1\s+not in group\s+0\/8\s+-\s+1m30s/);
});

test('active jobs: every running job of every worker, longest-running first', () => {
  const jobs = activeJobs(
    [
      record('noop@a:1', {
        running: [
          { jobId: 'job-b', attempt: 1, startedAt: NOW - 1_000, progress: { current: 2, total: 4, message: 'half' } },
        ],
      }),
      record('indexing@b:2', {
        stage: 'indexing',
        running: [{ jobId: 'job-a', attempt: 2, startedAt: NOW - 60_000, progress: null }],
      }),
    ],
    NOW,
  );
  assert.deepEqual(
    jobs.map((job) => [job.jobId, job.stage, job.workerId, job.runningForMs]),
    [
      ['job-a', 'indexing', 'indexing@b:2', 60_000],
      ['job-b', 'noop', 'noop@a:1', 1_000],
    ],
  );
  assert.match(formatActiveJobs(jobs)[2] ?? '', /job-b\s+noop\s+noop@a:1\s+1\s+1\.0s\s+2\/4 \(50%\) half/);
  assert.deepEqual(formatActiveJobs([]), ['no job is running']);
});
