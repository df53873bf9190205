import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createHashingEmbedder } from '../../../../services/indexer/embedding/hashing.ts';
import type { Embedder } from '../../../../services/indexer/embedding/embedder.ts';
import { createLocalModelStore } from '../../../../services/trainer/model-registry/local-model-store.ts';
import { createModelRegistry } from '../../../../services/trainer/model-registry/model-registry.ts';
import { loadClassifier } from '../../../../services/trainer/text-classifier.ts';
import { trainModel, type TrainModelDependencies } from '../../../../services/trainer/train-model.ts';
import { resolveTrainerOptions } from '../../../../services/trainer/trainer-options.ts';
import type { EpochMetrics } from '../../../../services/trainer/training/train-network.ts';
import { createMemoryModelIndex, HELD_OUT, LABELLED_EXAMPLES, trainingRequest } from './training-fixtures.ts';

const directories: string[] = [];
after(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function setUp(embedder: Embedder = createHashingEmbedder()) {
  const root = await mkdtemp(join(tmpdir(), 'sedano-trainer-'));
  directories.push(root);
  const modelDir = join(root, 'models');
  const documents = join(root, 'documents');
  await writeFile(join(root, 'outside.csv'), 'text,label\na,b\n');
  await import('node:fs/promises').then((fs) => fs.mkdir(documents));
  const registry = createModelRegistry(createLocalModelStore(modelDir), createMemoryModelIndex());
  const dependencies: TrainModelDependencies = {
    embedder,
    registry,
    documentRoots: [documents],
    options: resolveTrainerOptions(),
  };
  return { root, modelDir, documents, registry, dependencies };
}

function run(
  dependencies: TrainModelDependencies,
  request = trainingRequest(),
  jobId = crypto.randomUUID(),
  signal = new AbortController().signal,
) {
  const epochs: EpochMetrics[] = [];
  const result = trainModel(request, dependencies, {
    jobId,
    signal,
    progress: (_current, _total, _message, details) => {
      const metrics = details?.['sedano.TrainingProgress' as never] as EpochMetrics | undefined;
      if (metrics !== undefined) epochs.push(metrics);
    },
  });
  return { result, epochs };
}

test('a run on English and Italian examples reports every epoch, loss going down, and saves version 1 with its evaluation', async () => {
  const { dependencies, registry } = await setUp();
  const { result, epochs } = run(dependencies);
  const saved = await result;
  assert.equal(saved.modelId, 'topics@1');
  assert.equal(saved.examples, LABELLED_EXAMPLES.length);
  assert.deepEqual(
    epochs.map((epoch) => epoch.epoch),
    Array.from({ length: 15 }, (_, index) => index + 1),
  );
  assert.ok((epochs.at(-1)?.loss ?? 1) < (epochs[0]?.loss ?? 0) / 2, 'the training loss at least halves');
  assert.ok(epochs.every((epoch) => epoch.validationLoss !== null && epoch.validationAccuracy !== null));
  const record = await registry.get('topics', 1);
  assert.ok(record !== undefined);
  assert.deepEqual(record.labels, ['finance', 'sport', 'weather']);
  assert.deepEqual(record.embedder, { name: 'hashing-v1', dimension: 384 });
  assert.equal(record.dataset.examples, 36);
  assert.equal(record.dataset.validationExamples, 9, '25% of each label held out');
  assert.match(record.dataset.sha256, /^[0-9a-f]{64}$/);
  assert.equal(record.evaluation?.confusionMatrix.length, 3);
  assert.equal(record.evaluation?.perLabel.length, 3);
  assert.equal(record.hyperParameters.seed, 7);
  assert.ok(record.artifactUri.startsWith('file://'));
});

test('the same seed over the same data gives the same metrics; a second run adds version 2', async () => {
  const { dependencies } = await setUp();
  const first = await run(dependencies).result;
  const second = await run(dependencies).result;
  assert.equal(second.version, 2);
  assert.deepEqual(second.metrics, first.metrics);
});

test('a redelivered job returns the version it saved without training again', async () => {
  const { dependencies } = await setUp();
  const jobId = crypto.randomUUID();
  const first = await run(dependencies, trainingRequest(), jobId).result;
  const { result, epochs } = run(dependencies, trainingRequest(), jobId);
  assert.deepEqual(await result, first);
  assert.equal(epochs.length, 0);
});

test('the saved model classifies held-out English and Italian sentences', async () => {
  const { dependencies, registry } = await setUp();
  await run(dependencies, trainingRequest({ epochs: 30, validationSplit: 0 })).result;
  const classifier = await loadClassifier('topics', { registry, embedder: dependencies.embedder });
  assert.equal(classifier.version, 1);
  const results = await classifier.classify(HELD_OUT.map((example) => example.text));
  const correct = results.filter((result, index) => result.label === HELD_OUT[index]?.label).length;
  assert.ok(correct >= 5, `at least 5 of 6 held-out sentences right, got ${correct}`);
  const sum = Object.values(results[0]?.probabilities ?? {}).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5);
});

test('the loader refreshes "name" on a new version, refuses another embedder and an unknown model', async () => {
  const { dependencies, registry } = await setUp();
  await run(dependencies).result;
  const embedder = dependencies.embedder;
  assert.equal((await loadClassifier('topics', { registry, embedder })).version, 1);
  await run(dependencies).result;
  assert.equal((await loadClassifier('topics', { registry, embedder })).version, 2);
  assert.equal((await loadClassifier('topics@1', { registry, embedder })).version, 1);
  await assert.rejects(loadClassifier('topics', { registry, embedder: createHashingEmbedder({ dimension: 128 }) }), {
    code: 'SEDANO_ERR_MODEL_EMBEDDER_MISMATCH',
  });
  await assert.rejects(loadClassifier('nothing', { registry, embedder }), { code: 'SEDANO_ERR_MODEL_NOT_FOUND' });
  await assert.rejects(loadClassifier('topics@9', { registry, embedder }), { code: 'SEDANO_ERR_MODEL_NOT_FOUND' });
});

test('a revoke mid-training stops within one batch and saves nothing', async () => {
  const { dependencies, registry, modelDir } = await setUp();
  const controller = new AbortController();
  const reason = new Error('revoked');
  const request = trainingRequest({ epochs: 200 });
  const epochs: number[] = [];
  const result = trainModel(request, dependencies, {
    jobId: crypto.randomUUID(),
    signal: controller.signal,
    progress: (current) => {
      epochs.push(current);
      if (current === 2) controller.abort(reason);
    },
  });
  await assert.rejects(result, (error) => error === reason);
  assert.equal(Math.max(...epochs), 2, 'no epoch after the abort');
  assert.equal(await registry.latestVersion('topics'), undefined);
  const left = await readdir(join(modelDir, 'topics')).catch(() => []);
  assert.deepEqual(left, []);
});

test('a loss that becomes NaN fails with its own code and saves nothing', async () => {
  const broken: Embedder = {
    name: 'broken',
    dimension: 4,
    embed: async (texts) => texts.map(() => Float32Array.of(Number.NaN, 1, 0, 0)),
  };
  const { dependencies, registry } = await setUp(broken);
  await assert.rejects(run(dependencies).result, { code: 'SEDANO_ERR_TRAINING_LOSS_NAN', retriable: false });
  assert.equal(await registry.latestVersion('topics'), undefined);
});

test('bad input fails at once with its own code, naming the field or example', async () => {
  const { dependencies } = await setUp();
  const cases: [Parameters<typeof trainingRequest>[0], string, RegExp][] = [
    [{ modelType: 'bert' }, 'SEDANO_ERR_TRAINING_UNSUPPORTED_MODEL_TYPE', /bert/],
    [{ modelName: '../etc' }, 'SEDANO_ERR_TRAINING_INVALID_MODEL_NAME', /modelName/],
    [{ examples: LABELLED_EXAMPLES.map((e) => ({ ...e, label: 'one' })) }, 'SEDANO_ERR_TRAINING_TOO_FEW_LABELS', /one/],
    [
      { examples: [...LABELLED_EXAMPLES, { text: 'a rare one', label: 'rare' }] },
      'SEDANO_ERR_TRAINING_TOO_FEW_EXAMPLES',
      /"rare" has 1/,
    ],
    [
      { examples: [...LABELLED_EXAMPLES, { text: '  ', label: 'sport' }] },
      'SEDANO_ERR_TRAINING_EMPTY_TEXT',
      /examples\[36\]/,
    ],
    [{ epochs: 0 }, 'SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER', /epochs/],
    [{ hyperParameters: { learningRate: Number.NaN } }, 'SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER', /learningRate/],
    [{ hyperParameters: { batchSize: 2.5 } }, 'SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER', /batchSize/],
    [{ validationSplit: 1 }, 'SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER', /validationSplit/],
    [{ datasetUri: '../outside.csv' }, 'SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL', /outside\.csv/],
  ];
  for (const [overrides, code, message] of cases) {
    await assert.rejects(
      run(dependencies, trainingRequest(overrides)).result,
      (error: { code: string; retriable: boolean; message: string }) => {
        assert.equal(error.code, code, JSON.stringify(overrides).slice(0, 80));
        assert.equal(error.retriable, false);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

test('a dataset under the roots (CSV and JSON Lines) adds to the inline examples', async () => {
  const { dependencies, documents, registry } = await setUp();
  const csv = ['text,label', ...LABELLED_EXAMPLES.map((e) => `"${e.text.replaceAll('"', '""')}",${e.label}`)].join(
    '\n',
  );
  await writeFile(join(documents, 'topics.csv'), csv);
  await writeFile(join(documents, 'topics.jsonl'), LABELLED_EXAMPLES.map((e) => JSON.stringify(e)).join('\n'));
  const fromCsv = await run(dependencies, trainingRequest({ examples: [], datasetUri: 'topics.csv', epochs: 2 }))
    .result;
  assert.equal(fromCsv.examples, 36);
  const both = await run(dependencies, trainingRequest({ datasetUri: 'topics.jsonl', epochs: 2 })).result;
  assert.equal(both.examples, 72);
  assert.equal((await registry.get('topics', 2))?.dataset.datasetUri, 'topics.jsonl');
});

test('early stopping ends the run when the validation loss stops improving and keeps the best epoch', async () => {
  const { dependencies, registry } = await setUp();
  const request = trainingRequest({ epochs: 300, hyperParameters: { learningRate: 0.5, earlyStoppingPatience: 2 } });
  const { result, epochs } = run(dependencies, request);
  const saved = await result;
  assert.ok(epochs.length < 300, `stopped after ${epochs.length} epochs`);
  assert.equal(saved.metrics.epochs, epochs.length);
  const best = Math.min(...epochs.map((epoch) => epoch.validationLoss ?? Infinity));
  assert.equal(saved.metrics.validationLoss, best, "the kept epoch is the best one's");
  assert.match(saved.warnings.join('\n'), /stopped early after epoch \d+; kept epoch \d+/);
  assert.equal((await registry.get('topics', 1))?.metrics.validationLoss, best);
});

test('imbalanced labels are weighed and warned about in the result', async () => {
  const { dependencies } = await setUp();
  const extra = Array.from({ length: 30 }, (_, index) => ({ text: `match report ${index} goal team`, label: 'sport' }));
  const saved = await run(dependencies, trainingRequest({ examples: [...LABELLED_EXAMPLES, ...extra], epochs: 2 }))
    .result;
  assert.match(saved.warnings.join('\n'), /imbalanced labels: "sport" has 42 examples/);
});

test('weights that do not match their recorded SHA-256 are refused as corrupt', async () => {
  const { dependencies, registry, modelDir } = await setUp();
  await run(dependencies, trainingRequest({ epochs: 1 })).result;
  const weights = join(modelDir, 'topics', '1', 'weights.bin');
  const bytes = await readFile(weights);
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  await writeFile(weights, bytes);
  await assert.rejects(loadClassifier('topics@1', { registry, embedder: dependencies.embedder }), {
    code: 'SEDANO_ERR_MODEL_CORRUPT',
  });
});
