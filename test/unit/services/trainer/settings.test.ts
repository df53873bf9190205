import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DOCUMENT_ROOT } from '../../../../services/indexer/settings.ts';
import { resolveSettings } from '../../../../services/lib/settings.ts';
import { DEFAULT_MODEL_DIR, trainerSettings, trainerThreadSettings } from '../../../../services/trainer/settings.ts';
import { DEFAULT_TRAINER_OPTIONS } from '../../../../services/trainer/trainer-options.ts';
import { createTrainerStage } from '../../../../services/trainer/trainer-stage.ts';

test('defaults: the model directory under .sedano, the hashing embedder, the default limits, one run at a time', () => {
  const settings = resolveSettings(trainerSettings, {});
  assert.equal(settings.concurrency, 1);
  assert.deepEqual(trainerThreadSettings(settings), {
    documentRoots: [DEFAULT_DOCUMENT_ROOT],
    modelDir: DEFAULT_MODEL_DIR,
    embedder: { kind: 'hashing', dimension: 384 },
    redisUrl: settings.redisUrl,
    namespace: 'sedano',
    limits: DEFAULT_TRAINER_OPTIONS,
  });
});

test('overrides (sizes like 1MiB) and every problem reported at once', () => {
  const given = trainerThreadSettings(
    resolveSettings(trainerSettings, {
      SEDANO_MODEL_DIR: '/srv/models',
      SEDANO_TRAINING_MIN_EXAMPLES_PER_LABEL: '2',
      SEDANO_TRAINING_MAX_DATASET_BYTES: '1MiB',
      SEDANO_TRAINING_MAX_EPOCHS: '50',
    }),
  );
  assert.deepEqual(
    [given.modelDir, given.limits.minExamplesPerLabel, given.limits.maxDatasetBytes, given.limits.maxEpochs],
    ['/srv/models', 2, 1024 * 1024, 50],
  );
  assert.throws(
    () =>
      resolveSettings(trainerSettings, {
        SEDANO_MODEL_DIR: 'relative/models',
        SEDANO_TRAINING_MAX_EPOCHS: '0',
        SEDANO_TRAINER_CONCURRENCY: 'many',
      }),
    /SEDANO_MODEL_DIR[\s\S]*SEDANO_TRAINER_CONCURRENCY[\s\S]*SEDANO_TRAINING_MAX_EPOCHS|SEDANO_MODEL_DIR[\s\S]*SEDANO_TRAINING_MAX_EPOCHS[\s\S]*SEDANO_TRAINER_CONCURRENCY/,
  );
});

test('the stage runs its handler module in threads with its settings, defaults merged under the options', () => {
  const settings = trainerThreadSettings(resolveSettings(trainerSettings, {}));
  const stage = createTrainerStage(settings, { concurrency: 2, threads: { maxHeapMb: 2048 } });
  assert.equal(stage.stage, 'training');
  assert.ok(stage.handlerModule?.pathname.endsWith('/services/trainer/handler.ts'));
  assert.deepEqual(stage.handlerData, settings);
  assert.equal(stage.options?.concurrency, 2);
  assert.equal(stage.options?.progressIntervalMs, 0);
  assert.deepEqual(stage.options?.threads, { maxJobsPerThread: 20, maxHeapMb: 2048, abortGraceMs: 5_000 });
});
