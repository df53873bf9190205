import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expiryRefusal } from '../../../../../services/lib/runtime/expiry.ts';

test('a job expires only after its expiresAt, and never without one', () => {
  const expiresAt = Date.parse('2026-12-02T10:00:00Z');
  assert.equal(expiryRefusal(null, Number.MAX_SAFE_INTEGER), null);
  assert.equal(expiryRefusal(expiresAt, expiresAt), null, 'not at its expiry');
  assert.deepEqual(expiryRefusal(expiresAt, expiresAt + 1), {
    code: 'SEDANO_ERR_JOB_EXPIRED',
    message: 'expired at 2026-12-02T10:00:00.000Z',
  });
  assert.equal(
    expiryRefusal(expiresAt, expiresAt + 1, ', before its retry')?.message,
    'expired at 2026-12-02T10:00:00.000Z, before its retry',
  );
});
