/**
 * A batch id's claim in Redis (services/gateway/batch-declarations.ts), on a real Redis, past the
 * happy paths the gateway tests cover: a submission that fails after its declaration reached
 * the view, and a first request whose lease lapsed.
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

test("a repeat takes over a claim whose request's lease lapsed; the first still answers its client", async (t) => {
  const { redis, keys } = redisClient(t);
  const stores = { redis, keys };
  const batchId = randomUUID();
  let finishFirst!: () => void;
  const first = declareBatchOnce(
    stores,
    batchId,
    'fingerprint-a',
    () => new Promise<DeclaredBatch>((resolve) => (finishFirst = () => resolve(answer('job-1')))),
    { leaseMs: 100, pollIntervalMs: 20 },
  );
  const second = await declareBatchOnce(stores, batchId, 'fingerprint-a', async () => answer('job-2'), {
    leaseMs: 100,
    pollIntervalMs: 20,
  });
  assert.deepEqual(second, { batch: answer('job-2'), created: true });
  finishFirst();
  assert.deepEqual(await first, { batch: answer('job-1'), created: true });
  const repeat = await declareBatchOnce(stores, batchId, 'fingerprint-a', async () => assert.fail('submitted again'));
  assert.deepEqual(repeat.batch, answer('job-2'), 'the claim keeps the answer of the request that held it');
});
