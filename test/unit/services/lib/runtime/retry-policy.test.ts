import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  resolveRetryPolicy,
  retryTier,
} from '../../../../../services/lib/runtime/retry-policy.ts';

const policy = { maxAttempts: 5, initialBackoffMs: 1_000, maxBackoffMs: 10_000, backoffMultiplier: 2 };

test('backoff grows exponentially, is capped, and jitters between half and all of it', () => {
  assert.equal(backoffMs(policy, 1, 0), 500);
  assert.equal(backoffMs(policy, 1, 0.999999), 1_000);
  assert.equal(backoffMs(policy, 3, 0.5), 3_000);
  assert.equal(backoffMs(policy, 10, 0.999999), 10_000, 'capped');
  assert.equal(backoffMs(policy, 10, 0), 5_000);
  // A stage's own setting is not checked like a job's: 30 days is the most any attempt waits.
  const unbounded = { ...policy, maxBackoffMs: Number.MAX_SAFE_INTEGER };
  assert.equal(backoffMs(unbounded, 2_000, 0), 15 * 86_400_000, 'half of 30 days, the least jitter');
  assert.ok(backoffMs(unbounded, 60, 0.999999) <= 30 * 86_400_000);
});

test("a job's overrides replace the stage's defaults field by field", () => {
  const resolved = resolveRetryPolicy(DEFAULT_RETRY_POLICY, {
    maxAttempts: 7,
    initialBackoffMs: null,
    maxBackoffMs: null,
    backoffMultiplier: 3,
  });
  assert.deepEqual(resolved, { ...DEFAULT_RETRY_POLICY, maxAttempts: 7, backoffMultiplier: 3 });
  assert.deepEqual(resolveRetryPolicy(DEFAULT_RETRY_POLICY, null), DEFAULT_RETRY_POLICY);
});

test('a delay goes to the longest tier not longer than it', () => {
  assert.equal(retryTier(100), '1s', 'the shortest tier for a delay shorter than every tier');
  assert.equal(retryTier(4_999), '1s');
  assert.equal(retryTier(5_000), '5s');
  assert.equal(retryTier(59_999), '5s');
  assert.equal(retryTier(60_000), '1m');
  assert.equal(retryTier(3 * 3_600_000), '1h');
});
