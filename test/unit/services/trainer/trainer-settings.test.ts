import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MODEL_DIR, resolveTrainerSettings } from '../../../../services/trainer/trainer-settings.ts';

test('trainer settings: defaults, overrides, and every problem at once', () => {
  const defaults = resolveTrainerSettings({});
  assert.equal(defaults.modelDir, DEFAULT_MODEL_DIR);
  assert.equal(defaults.modelIndexPrefix, 'sedano:models:');
  assert.equal(defaults.options.minExamplesPerLabel, 5);
  assert.equal(defaults.embedder.kind, 'hashing');
  const set = resolveTrainerSettings({
    SEDANO_MODEL_DIR: '/srv/models',
    SEDANO_MODEL_INDEX_PREFIX: 'staging:models:',
    SEDANO_TRAINING_MIN_EXAMPLES_PER_LABEL: '2',
    SEDANO_TRAINING_MAX_EPOCHS: '50',
  });
  assert.deepEqual(
    [set.modelDir, set.modelIndexPrefix, set.options.minExamplesPerLabel, set.options.maxEpochs],
    ['/srv/models', 'staging:models:', 2, 50],
  );
  assert.throws(
    () =>
      resolveTrainerSettings({
        SEDANO_MODEL_DIR: 'relative',
        SEDANO_TRAINING_MAX_EXAMPLES: 'many',
        SEDANO_TRAINING_MAX_EPOCHS: '0',
        SEDANO_EMBEDDER: 'magic',
      }),
    (error: Error) =>
      /SEDANO_MODEL_DIR/.test(error.message) &&
      /SEDANO_TRAINING_MAX_EXAMPLES/.test(error.message) &&
      /maxEpochs/.test(error.message) &&
      /SEDANO_EMBEDDER/.test(error.message),
  );
});
