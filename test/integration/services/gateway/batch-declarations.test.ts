/**
 * A batch id's claim in Redis (services/gateway/batch-declarations.ts), on a real Redis, past the
 * happy paths the gateway tests cover: a submission that fails after its declaration reached
 * the view, a first request that went away (its lease lapsed), and one slower than its lease
 * (renewed: never submitted twice).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { declareBatchOnce, type DeclaredBatch } from '../../../../services/gateway/batch-declarations.ts';
import { redisClient } from '../../../support/resources.ts';

const answer = (jobId: string): DeclaredBatch => ({
  jobs: [{ jobId, stage: 'noop', priority: 'NORMAL', notBefore: null, expiresAt: null }],
  followUpJobId: null,
});

test('after a failed submission an exact repeat submits again, though the view has the declaration', async (t) => {
  const { redis, keys } = redisClient(t);
  const stores = { redis, keys };
  const batchId = randomUUID();
  // Was: the failed request dropped its claim, and the declaration it had produced made the
  // repeat a 409, leaving the batch declared with no jobs for good.
  await assert.rejects(
    declareBatchOnce(stores, batchId, 'fingerprint-a', async () => {
      await redis.set(keys.status.batchDeclaration(batchId), '{"size":1}');
      throw new Error('the broker went away after the declaration');
    }),
    /the broker went away/,
  );
  const again = await declareBatchOnce(stores, batchId, 'fingerprint-a', async () => answer('job-2'));
  assert.deepEqual(again, { batch: answer('job-2'), created: true });
  const repeat = await declareBatchOnce(stores, batchId, 'fingerprint-a', async () => assert.fail('submitted twice'));
  assert.deepEqual(repeat, { batch: answer('job-2'), created: false });
  await assert.rejects(
    declareBatchOnce(stores, batchId, 'fingerprint-b', async () => assert.fail('another declaration submitted')),
    (error: { code?: string }) => error.code === 'SEDANO_ERR_API_BATCH_REDECLARED',
  );
});

test('a repeat takes over a claim whose request went away (its lease lapsed, never renewed)', async (t) => {
  const { redis, keys } = redisClient(t);
  const stores = { redis, keys };
  const batchId = randomUUID();
  // What a gateway that died while submitting leaves: its claim, the lease past.
  const stale = { fingerprint: 'fingerprint-a', token: randomUUID(), leaseUntil: Date.now() - 1 };
  await redis.set(keys.batchClaim(batchId), JSON.stringify(stale), 'EX', 60);
  const second = await declareBatchOnce(stores, batchId, 'fingerprint-a', async () => answer('job-2'), {
    leaseMs: 100,
    pollIntervalMs: 20,
  });
  assert.deepEqual(second, { batch: answer('job-2'), created: true });
  const repeat = await declareBatchOnce(stores, batchId, 'fingerprint-a', async () => assert.fail('submitted again'));
  assert.deepEqual(repeat, { batch: answer('job-2'), created: false });
});

test('a submission slower than its lease keeps its claim: a repeat meanwhile gets a 503, never a second submission', async (t) => {
  const { redis, keys } = redisClient(t);
  const stores = { redis, keys };
  const batchId = randomUUID();
  // A lease of a second, renewed every third of it: a loaded machine's stalls stay well inside it.
  const options = { leaseMs: 1_000, pollIntervalMs: 20 };
  let finishFirst!: () => void;
  let submitting!: () => void;
  const started = new Promise<void>((resolve) => (submitting = resolve));
  const first = declareBatchOnce(
    stores,
    batchId,
    'fingerprint-a',
    () =>
      new Promise<DeclaredBatch>((resolve) => {
        submitting();
        finishFirst = () => resolve(answer('job-1'));
      }),
    options,
  );
  await started;
  // Was: once the first lease ran out the repeat took the claim over and submitted the batch a second time.
  await assert.rejects(
    declareBatchOnce(stores, batchId, 'fingerprint-a', async () => assert.fail('submitted twice'), options),
    (error: { code?: string }) => error.code === 'SEDANO_ERR_API_UNAVAILABLE',
  );
  await assert.rejects(
    declareBatchOnce(stores, batchId, 'fingerprint-a', async () => assert.fail('submitted twice'), options),
    (error: { code?: string }) => error.code === 'SEDANO_ERR_API_UNAVAILABLE',
    'still held, a few leases later',
  );
  finishFirst();
  assert.deepEqual(await first, { batch: answer('job-1'), created: true });
  const repeat = await declareBatchOnce(stores, batchId, 'fingerprint-a', async () => assert.fail('submitted again'));
  assert.deepEqual(repeat, { batch: answer('job-1'), created: false }, "the first request's answer");
});
