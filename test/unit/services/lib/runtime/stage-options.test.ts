import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSedanoError } from '../../../../../services/lib/errors.ts';
import { DEFAULT_RETRY_POLICY } from '../../../../../services/lib/runtime/retry-policy.ts';
import {
  resolveStageOptions,
  type StageOptions,
  stageOptionsProblems,
} from '../../../../../services/lib/runtime/stage-options.ts';

test('a stage that declares nothing gets every documented default', () => {
  assert.deepEqual(resolveStageOptions(), {
    concurrency: 8,
    retry: DEFAULT_RETRY_POLICY,
    infrastructureBackoff: { initialBackoffMs: 1_000, maxBackoffMs: 30_000, backoffMultiplier: 2 },
    progressIntervalMs: 500,
    shutdownGraceMs: 30_000,
    shutdownStepTimeoutMs: 10_000,
    softTimeLimitMs: undefined,
    hardTimeLimitMs: undefined,
    rateLimitPerSecond: undefined,
    threads: {
      size: 8,
      maxJobsPerThread: undefined,
      maxHeapMb: undefined,
      maxYoungGenerationMb: undefined,
      maxOldGenerationMb: undefined,
      abortGraceMs: 1_000,
    },
    commitIntervalMs: 1_000,
    fetchMaxWaitMs: 100,
    presenceIntervalMs: 5_000,
    sessionTimeoutMs: 6_000,
  });
});

test('declared options win over the defaults, field by field, and an undefined field means the default', () => {
  const resolved = resolveStageOptions({
    concurrency: 2,
    retry: { maxAttempts: 5, initialBackoffMs: undefined },
    infrastructureBackoff: { maxBackoffMs: 2_000 },
    shutdownGraceMs: 0,
    shutdownStepTimeoutMs: 500,
    softTimeLimitMs: 300,
    threads: { abortGraceMs: 50 },
    progressIntervalMs: undefined,
  });
  assert.equal(resolved.concurrency, 2);
  assert.deepEqual(resolved.retry, { ...DEFAULT_RETRY_POLICY, maxAttempts: 5 });
  assert.deepEqual(resolved.infrastructureBackoff, {
    initialBackoffMs: 1_000,
    maxBackoffMs: 2_000,
    backoffMultiplier: 2,
  });
  assert.equal(resolved.shutdownGraceMs, 0);
  assert.equal(resolved.shutdownStepTimeoutMs, 500);
  assert.equal(resolved.softTimeLimitMs, 300);
  assert.equal(resolved.progressIntervalMs, 500);
  assert.deepEqual(resolved.threads, {
    size: 2,
    maxJobsPerThread: undefined,
    maxHeapMb: undefined,
    maxYoungGenerationMb: undefined,
    maxOldGenerationMb: undefined,
    abortGraceMs: 50,
  });
});

test('the resolved options are frozen', () => {
  const resolved = resolveStageOptions({ concurrency: 3 });
  assert.ok(Object.isFrozen(resolved));
  assert.ok(Object.isFrozen(resolved.retry));
  assert.ok(Object.isFrozen(resolved.threads));
});

test('every invalid or unknown option is reported at once, with its path, under a code', () => {
  const options = {
    concurrency: 0,
    shutdownGraceMs: -1,
    shutdownStepTimeoutMs: 0,
    threads: { size: 1.5 },
    retry: { backoffMultiplier: 0.5 },
    colour: 'blue',
  } as unknown as StageOptions;
  assert.equal(stageOptionsProblems(options).length, 6);
  assert.throws(
    () => resolveStageOptions(options),
    (error: unknown) => {
      assert.ok(isSedanoError(error));
      assert.equal(error.code, 'SEDANO_ERR_STAGE_OPTIONS_INVALID');
      const paths = ['/concurrency', '/shutdownGraceMs', '/shutdownStepTimeoutMs', '/threads/size'];
      for (const path of [...paths, '/retry/backoffMultiplier', 'colour']) {
        assert.ok(error.message.includes(path), `${path} named in: ${error.message}`);
      }
      return true;
    },
  );
});
