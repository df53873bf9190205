import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RevokedError, ShutdownError } from '../../../../../services/lib/runtime/abort-reasons.ts';
import { RunningJobs } from '../../../../../services/lib/runtime/running-jobs.ts';

test('a revoke aborts only the attempts of its job; shutdown aborts every one', () => {
  const running = new RunningJobs();
  const first = running.start('job-a', 1, 10);
  const second = running.start('job-b', 2, 20);
  assert.equal(
    running.abortJob('job-a', () => new RevokedError('no longer needed')),
    1,
  );
  assert.equal(first.controller.signal.aborted, true);
  assert.equal((first.controller.signal.reason as RevokedError).code, 'SEDANO_ERR_JOB_REVOKED');
  assert.equal(second.controller.signal.aborted, false);
  assert.equal(
    running.abortJob('job-c', () => new RevokedError('unknown')),
    0,
  );
  running.abortAll(() => new ShutdownError());
  assert.equal((second.controller.signal.reason as ShutdownError).code, 'SEDANO_ERR_WORKER_SHUTDOWN');
});

test('the presence record sees attempts whose handler began, with their progress, and not ended ones', () => {
  const running = new RunningJobs();
  const job = running.start('job-a', 1, 5);
  running.start('job-b', 1, 6);
  assert.deepEqual(running.views(), [], 'taken on, waiting for its reads or a slot: not shown');
  assert.equal(running.size, 2);
  running.begin(job, 10);
  job.view.progress = { current: 1, total: 2, message: null };
  assert.deepEqual(running.views(), [
    { jobId: 'job-a', attempt: 1, startedAt: 10, progress: { current: 1, total: 2, message: null } },
  ]);
  running.end(job);
  assert.deepEqual(running.views(), []);
  assert.equal(running.size, 1);
});

test('the presence record shows a progress message without its credentials, as the PROGRESS event does', () => {
  const running = new RunningJobs();
  const job = running.start('job-a', 1, 5);
  running.begin(job, 10);
  job.view.progress = { current: 0, total: 1, message: 'reading s3://b/a.pdf?X-Amz-Signature=abc&X-Amz-Expires=300' };
  assert.equal(
    running.views()[0]?.progress?.message,
    'reading s3://b/a.pdf?X-Amz-Signature=[REDACTED]&X-Amz-Expires=300',
  );
  assert.equal(
    job.view.progress.message,
    'reading s3://b/a.pdf?X-Amz-Signature=abc&X-Amz-Expires=300',
    'the job keeps its own',
  );
});

test('ended attempts are counted by outcome; one left unfinished or skipped is not', () => {
  const running = new RunningJobs();
  for (const outcome of ['SUCCESS', 'SUCCESS', 'FAILURE', 'RETRY', 'REVOKED', undefined] as const) {
    running.end(running.start('job', 1, 0), outcome);
  }
  const counts = running.processed();
  assert.deepEqual(counts, { succeeded: 2, failed: 1, retried: 1, revoked: 1 });
  counts.succeeded = 100;
  assert.equal(running.processed().succeeded, 2, 'a copy');
});
