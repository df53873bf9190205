import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeWeights,
  encodeWeights,
  parseModelId,
} from '../../../../services/trainer/model-registry/model-version.ts';
import { resolveTrainerOptions } from '../../../../services/trainer/trainer-options.ts';
import { classificationReport } from '../../../../services/trainer/training/classification-metrics.ts';
import { predictProbabilities } from '../../../../services/trainer/training/classifier-network.ts';
import {
  classWeights,
  imbalanceWarning,
  splitLabelledSet,
} from '../../../../services/trainer/training/labelled-set.ts';
import { createSeededRandom } from '../../../../services/trainer/training/seeded-random.ts';

const examples = (counts: Record<string, number>) =>
  Object.entries(counts).flatMap(([label, count]) =>
    Array.from({ length: count }, (_, i) => ({ text: `${label} ${i}`, label })),
  );

test('the validation split is stratified and seeded', () => {
  const data = examples({ a: 20, b: 10, c: 5 });
  const set = splitLabelledSet(data, 0.2, 2, createSeededRandom(1));
  const validationLabels = set.validation.map((index) => set.labels[set.targets[index] as number]);
  assert.deepEqual(
    ['a', 'b', 'c'].map((label) => validationLabels.filter((found) => found === label).length),
    [4, 2, 1],
  );
  assert.equal(set.training.length + set.validation.length, 35);
  assert.deepEqual(splitLabelledSet(data, 0.2, 2, createSeededRandom(1)), set, 'same seed, same split');
  assert.notDeepEqual(splitLabelledSet(data, 0.2, 2, createSeededRandom(2)).training, set.training);
});

test('class weights balance the labels; a strong imbalance is warned about', () => {
  const set = splitLabelledSet(examples({ a: 30, b: 10 }), 0, 2, createSeededRandom(1));
  assert.deepEqual(classWeights(set, true), [40 / 60, 40 / 20]);
  assert.deepEqual(classWeights(set, false), [1, 1]);
  assert.match(imbalanceWarning(set.labelCounts, 2) ?? '', /"a" has 30 examples, "b" 10/);
  assert.equal(imbalanceWarning(set.labelCounts, 3), undefined);
});

test('precision, recall, F1 and the confusion matrix', () => {
  const report = classificationReport(['x', 'y'], [0, 0, 1, 1], [0, 1, 1, 1]);
  assert.deepEqual(report.confusionMatrix, [
    [1, 1],
    [0, 2],
  ]);
  assert.equal(report.accuracy, 0.75);
  assert.deepEqual(report.perLabel[0], { label: 'x', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
  assert.equal(report.perLabel[1]?.precision, 2 / 3);
});

test('weights round-trip through their bytes and give the same probabilities', () => {
  const network = {
    layers: [
      { inputs: 2, units: 3, weights: Float32Array.of(1, 2, 3, 4, 5, 6), bias: Float32Array.of(0.1, 0.2, 0.3) },
      { inputs: 3, units: 2, weights: Float32Array.of(1, -1, 0.5, 0.5, -1, 1), bias: Float32Array.of(0, 0) },
    ],
  };
  const decoded = decodeWeights(encodeWeights(network), [
    { inputs: 2, units: 3 },
    { inputs: 3, units: 2 },
  ]);
  assert.deepEqual(decoded, network);
  const [row] = predictProbabilities(decoded, [Float32Array.of(1, -1)]);
  assert.ok(row !== undefined && Math.abs((row[0] as number) + (row[1] as number) - 1) < 1e-6);
  assert.throws(() => decodeWeights(new Uint8Array(8), [{ inputs: 2, units: 3 }]), {
    code: 'SEDANO_ERR_MODEL_CORRUPT',
  });
});

test('model ids are "name" or "name@version"', () => {
  assert.deepEqual(parseModelId('tickets'), { modelName: 'tickets', version: undefined });
  assert.deepEqual(parseModelId('tickets.v2@12'), { modelName: 'tickets.v2', version: 12 });
  for (const bad of ['', '@1', 'a@0', 'a@x', '../a', 'a b']) {
    assert.throws(() => parseModelId(bad), { code: 'SEDANO_ERR_MODEL_NOT_FOUND' }, bad);
  }
});

test('trainer options: defaults, and every bad or unknown option at once', () => {
  assert.equal(resolveTrainerOptions().minExamplesPerLabel, 5);
  assert.equal(resolveTrainerOptions({ minExamplesPerLabel: 2 }).minExamplesPerLabel, 2);
  assert.throws(
    () => resolveTrainerOptions({ maxEpochs: 0, imbalanceWarningRatio: 0.5, nope: 1 } as never),
    /maxEpochs.*imbalanceWarningRatio.*unknown option\(s\) nope|unknown option\(s\) nope.*maxEpochs/,
  );
});
