/**
 * The model registry's archive on the real Redis: every version copied out with its files and
 * restored into a fresh registry under its own number; the job that trained it gets that number
 * back, a new job gets the next one, and a version already there is refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openModelArchive } from '../../../../services/trainer/model-catalog.ts';
import { openModelRegistry } from '../../../../services/trainer/model-registry/create.ts';
import { createRedisModelIndex } from '../../../../services/trainer/model-registry/redis-model-index.ts';
import { onCleanup, redisClient } from '../../../support/resources.ts';
import { modelVersionDraft } from './model-fixtures.ts';

/** A two-input version whose bias tells it apart. */
function draft(modelName: string, trainingJobId: string, bias: number) {
  const layer = { inputs: 2, units: 2, weights: new Float32Array([1, 0, 0, 1]), bias: new Float32Array([bias, -bias]) };
  return modelVersionDraft(modelName, { layers: [layer] }, trainingJobId);
}

test('versions go out with their files and come back under their own numbers', async (t) => {
  const scratch = await mkdtemp(path.join(tmpdir(), 'sedano-model-archive-'));
  onCleanup(t, () => rm(scratch, { recursive: true, force: true }));
  const source = redisClient(t);
  const sourceOptions = { modelDir: path.join(scratch, 'source'), namespace: source.keys.namespace };
  const registry = openModelRegistry(source.redis, sourceOptions);
  const jobs = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  await registry.save(draft('alpha', jobs[0]!, 0.1), jobs[0]!);
  await registry.save(draft('alpha', jobs[1]!, 0.2), jobs[1]!);
  await registry.save(draft('beta', jobs[2]!, 0.3), jobs[2]!);
  const archive = openModelArchive(source.redis, sourceOptions);
  const records = await archive.records();
  assert.deepEqual(
    records.map((record) => `${record.modelName}@${record.version}`),
    ['alpha@1', 'alpha@2', 'beta@1'],
  );
  const copies = path.join(scratch, 'copies');
  for (const record of records) {
    await archive.copyOut(record, path.join(copies, record.modelName, String(record.version)));
  }
  assert.deepEqual((await readdir(path.join(copies, 'alpha', '2'))).sort(), ['model.json', 'weights.bin']);

  const fresh = redisClient(t);
  const freshOptions = { modelDir: path.join(scratch, 'fresh'), namespace: fresh.keys.namespace };
  const target = openModelArchive(fresh.redis, freshOptions);
  assert.equal(await target.has(records[1]!), false);
  for (const record of records) {
    await target.restore(record, path.join(copies, record.modelName, String(record.version)));
  }
  assert.equal(await target.has(records[1]!), true);
  const restored = openModelRegistry(fresh.redis, freshOptions);
  assert.deepEqual(await restored.list(), [
    { modelName: 'alpha', latestVersion: 2, versions: 2 },
    { modelName: 'beta', latestVersion: 1, versions: 1 },
  ]);
  const alpha2 = await restored.get('alpha', 2);
  assert.ok(alpha2, 'alpha@2 restored');
  assert.ok(alpha2.artifactUri.includes('/fresh/alpha/2'), alpha2.artifactUri);
  assert.deepEqual([...(await restored.readNetwork(alpha2)).layers[0]!.bias], [...new Float32Array([0.2, -0.2])]);
  // The index behaves as if the versions had been trained here.
  const index = createRedisModelIndex(fresh.redis, fresh.keys.models);
  assert.equal(await index.claimVersion('alpha', jobs[0]!), 1, 'the training job gets its version back');
  assert.equal(await index.claimVersion('alpha', crypto.randomUUID()), 3, 'a new job gets the next one');
  await assert.rejects(
    target.restore(records[2]!, path.join(copies, 'beta', '1')),
    /already|EEXIST|exists/,
    'a version already there is refused',
  );
});
