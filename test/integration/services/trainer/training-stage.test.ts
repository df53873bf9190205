/**
 * The training stage end to end on the real stack: jobs on a sandbox's Kafka topics, the stage
 * runtime with its worker threads (TensorFlow.js on wasm), the real Redis (model index,
 * embedding cache, ledger) and the model files in a temp dir.
 *
 * - English and Italian examples train to SUCCESS with one PROGRESS per epoch whose loss goes
 *   down; the version is saved with its metrics, a second run adds version 2, and the saved
 *   model labels held-out sentences of both languages.
 * - A revoke mid-training ends REVOKED and saves no version.
 * - Bad inputs each fail at once (no retry) with their codes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { type TrainModelRequest, trainModelRequestContract } from '../../../../schemas/train-model-request.ts';
import type { TrainingProgress } from '../../../../schemas/training-progress.ts';
import type { TrainingResult } from '../../../../schemas/training-result.ts';
import { createHashingEmbedder, DEFAULT_HASHING_DIMENSION } from '../../../../services/indexer/embedding/hashing.ts';
import type { SubjectBinding } from '../../../../services/lib/codec.ts';
import { newJobId } from '../../../../services/lib/job-ids.ts';
import { createLocalModelStore } from '../../../../services/trainer/model-registry/local-model-store.ts';
import { createModelRegistry } from '../../../../services/trainer/model-registry/model-registry.ts';
import { createRedisModelIndex } from '../../../../services/trainer/model-registry/redis-model-index.ts';
import { loadClassifier } from '../../../../services/trainer/text-classifier.ts';
import type { TrainerThreadSettings } from '../../../../services/trainer/settings.ts';
import { createTrainerStage } from '../../../../services/trainer/trainer-stage.ts';
import { resolveTrainerOptions } from '../../../../services/trainer/trainer-options.ts';
import { endpoints, redisClient, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { HELD_OUT, trainingRequest } from '../../../unit/services/trainer/training-fixtures.ts';
import { startGateway, TOKENS } from '../gateway/gateway-harness.ts';
import { stageSandbox } from '../lib/runtime/stage-sandbox.ts';

const execFileAsync = promisify(execFile);

type Sandbox = Awaited<ReturnType<typeof stageSandbox>>;

async function startTrainer(t: TestContext, options: { gateway?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'sedano-training-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const modelDir = mkdtempSync(join(tmpdir(), 'sedano-models-'));
  t.after(() => rmSync(modelDir, { recursive: true, force: true }));
  const { redis, keys } = redisClient(t);
  const registry = createModelRegistry(createLocalModelStore(modelDir), createRedisModelIndex(redis, keys.models));
  const gateway = options.gateway === true ? await startGateway(t, { models: registry, stage: 'training' }) : undefined;
  const sandbox = gateway?.sandbox ?? (await stageSandbox(t));
  // The threads get their settings as the stage's handlerData: the test's dirs and namespace.
  const settings: TrainerThreadSettings = {
    documentRoots: [root],
    modelDir,
    embedder: { kind: 'hashing', dimension: DEFAULT_HASHING_DIMENSION },
    redisUrl: endpoints().redisUrl,
    namespace: keys.namespace,
    limits: resolveTrainerOptions(),
  };
  await sandbox.start(createTrainerStage(settings), uniqueName('trainer'), { redis });
  return { sandbox, registry, root, modelDir, gateway };
}

async function submitTraining(sandbox: Sandbox, request: TrainModelRequest): Promise<string> {
  const lane = sandbox.topics.lanes[1] ?? '';
  const binding: SubjectBinding<TrainModelRequest> = {
    subject: sandbox.names.valueSubject(lane),
    contract: trainModelRequestContract,
    compatibility: 'FULL_TRANSITIVE',
  };
  const job = { ...request, header: { ...request.header, jobId: newJobId(), submittedAt: Date.now() } };
  await sandbox.producer.send(lane, [await sandbox.codec.toMessage(binding, job.header.jobId, job)]);
  return job.header.jobId;
}

function epochsOf(events: JobStatusEvent[]): TrainingProgress[] {
  return events.flatMap((event) => {
    const details = event.progress?.details;
    return details && 'sedano.TrainingProgress' in details ? [details['sedano.TrainingProgress']] : [];
  });
}

function resultOf(events: JobStatusEvent[]): TrainingResult {
  const result = events.find((event) => event.state === 'SUCCESS')?.result;
  assert.ok(result && 'sedano.TrainingResult' in result, 'the job succeeded with a TrainingResult');
  return result['sedano.TrainingResult'];
}

test(
  'training on English and Italian examples: per-epoch progress, saved versions 1 and 2, a model that labels held-out text',
  { timeout: 180_000 },
  async (t) => {
    const { sandbox, registry, gateway } = await startTrainer(t, { gateway: true });
    const modelName = uniqueName('topics').replace(/[^A-Za-z0-9._-]/g, '-');
    const first = await submitTraining(sandbox, trainingRequest({ modelName, epochs: 12 }));
    const events = await sandbox.eventsUntil(first, 'SUCCESS', 120_000);
    const epochs = epochsOf(events);
    assert.deepEqual(
      epochs.map((epoch) => epoch.epoch),
      Array.from({ length: 12 }, (_, index) => index + 1),
      'one PROGRESS per epoch',
    );
    assert.ok((epochs.at(-1)?.loss ?? 1) < (epochs[0]?.loss ?? 0), 'the loss goes down');
    assert.ok(epochs.every((epoch) => epoch.validationLoss !== null && epoch.accuracy !== null));
    const result = resultOf(events);
    assert.equal(result.modelId, `${modelName}@1`);
    const record = await registry.get(modelName, 1);
    assert.equal(record?.trainingJobId, first);
    assert.equal(record?.evaluation?.perLabel.length, 3);
    assert.ok(
      (record?.metrics.validationAccuracy ?? 0) > 0.5,
      `validation accuracy ${record?.metrics.validationAccuracy}`,
    );

    const second = await submitTraining(sandbox, trainingRequest({ modelName, epochs: 30, validationSplit: 0 }));
    assert.equal(resultOf(await sandbox.eventsUntil(second, 'SUCCESS', 120_000)).version, 2);
    const classifier = await loadClassifier(modelName, { registry, embedder: createHashingEmbedder() });
    assert.equal(classifier.version, 2);
    const labels = (await classifier.classify(HELD_OUT.map((example) => example.text))).map((result) => result.label);
    const correct = labels.filter((label, index) => label === HELD_OUT[index]?.label).length;
    t.diagnostic(`held-out accuracy ${correct}/${HELD_OUT.length}`);
    assert.ok(correct >= 5, `at least 5 of 6 held-out sentences (English and Italian) right, got ${correct}`);

    assert.ok(gateway !== undefined);
    const list = (await (await gateway.call('GET', '/v1/models', { token: 'reader' })).json()) as {
      models: { modelName: string; latestVersion: number; versions: number }[];
    };
    assert.deepEqual(
      list.models.find((model) => model.modelName === modelName),
      { modelName, latestVersion: 2, versions: 2 },
    );
    const model = (await (await gateway.call('GET', `/v1/models/${modelName}`, { token: 'reader' })).json()) as {
      versions: { modelId: string; metrics: { loss: number }; trainingJobId: string }[];
    };
    assert.deepEqual(
      model.versions.map((version) => [version.modelId, version.trainingJobId]),
      [
        [`${modelName}@1`, first],
        [`${modelName}@2`, second],
      ],
    );
    assert.ok(model.versions.every((version) => typeof version.metrics.loss === 'number'));
    const one = (await (
      await gateway.call('GET', `/v1/models/${modelName}/versions/1`, { token: 'reader' })
    ).json()) as {
      evaluation: { confusionMatrix: number[][]; perLabel: { f1: number }[] };
      dataset: { sha256: string; examples: number };
      hyperParameters: { seed: number };
    };
    assert.equal(one.evaluation.confusionMatrix.length, 3);
    assert.equal(one.evaluation.perLabel.length, 3);
    assert.match(one.dataset.sha256, /^[0-9a-f]{64}$/);
    assert.equal(one.hyperParameters.seed, 7);
    const missing = await gateway.call('GET', `/v1/models/${modelName}/versions/9`, { token: 'reader' });
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'SEDANO_ERR_MODEL_NOT_FOUND');
    // A version past an Avro int names none: refused as such, not looked up rounded (2^53 and beyond).
    const huge = await gateway.call('GET', `/v1/models/${modelName}/versions/99999999999999999999`, {
      token: 'reader',
    });
    assert.equal(huge.status, 400);
    const { error } = (await huge.json()) as { error: { code: string; details: { path: string }[] } };
    assert.deepEqual(
      [error.code, error.details.map((detail) => detail.path)],
      ['SEDANO_ERR_API_VALIDATION', ['/version']],
    );
    assert.equal((await gateway.call('GET', '/v1/models/no-such-model', { token: 'reader' })).status, 404);
    assert.equal((await gateway.call('GET', '/v1/models', { token: null })).status, 401);
    const docs = (await (await gateway.call('GET', '/docs/json', { token: 'reader' })).json()) as {
      paths: Record<string, unknown>;
    };
    assert.ok('/v1/models/{name}/versions/{version}' in docs.paths, 'the routes are in the OpenAPI description');
    // Asynchronously: the gateway answering the CLI runs on this process's event loop.
    const ctl = (...args: string[]) =>
      execFileAsync(
        process.execPath,
        ['scripts/ctl.ts', ...args, '--url', gateway.baseUrl, '--token', TOKENS.reader.token],
        { cwd: new URL('../../../../', import.meta.url).pathname, encoding: 'utf8' },
      );
    const shown = await ctl('models', 'show', modelName);
    assert.match(shown.stdout, new RegExp(`${modelName}@2`));
    const detail = await ctl('models', 'show', `${modelName}@1`);
    assert.match(detail.stdout, /confusion matrix/);
  },
);

test('a revoke mid-training ends REVOKED and saves no version', { timeout: 120_000 }, async (t) => {
  const { sandbox, registry, modelDir } = await startTrainer(t);
  const modelName = uniqueName('revoked').replace(/[^A-Za-z0-9._-]/g, '-');
  const jobId = await submitTraining(
    sandbox,
    trainingRequest({ modelName, epochs: 500, hyperParameters: { batchSize: 1, hiddenUnits: 256 } }),
  );
  await waitFor(async () => epochsOf(await sandbox.events(jobId)).length >= 2, {
    description: 'two epochs trained',
    timeoutMs: 60_000,
  });
  const revokedAt = Date.now();
  await sandbox.command({ command: 'REVOKE', jobId });
  const events = await sandbox.eventsUntil(jobId, 'REVOKED', 30_000);
  const tookMs = (events.at(-1)?.occurredAt ?? Infinity) - revokedAt;
  t.diagnostic(`REVOKED ${tookMs} ms after the command was produced`);
  assert.ok(tookMs < 5_000, `took ${tookMs} ms`);
  assert.ok(!events.some((event) => event.state === 'SUCCESS'));
  assert.ok(epochsOf(events).length < 500, 'stopped before the last epoch');
  assert.equal(await registry.latestVersion(modelName), undefined);
  const modelFiles = existsSync(join(modelDir, modelName)) ? readdirSync(join(modelDir, modelName)) : [];
  assert.deepEqual(modelFiles, [], 'no version directory, no staging leftover');
});

test(
  'a soft time limit mid-training fails the job with its code and saves no version',
  { timeout: 120_000 },
  async (t) => {
    const { sandbox, registry } = await startTrainer(t);
    const modelName = uniqueName('limited').replace(/[^A-Za-z0-9._-]/g, '-');
    const request = trainingRequest({ modelName, epochs: 500, hyperParameters: { batchSize: 1, hiddenUnits: 256 } });
    const jobId = await submitTraining(sandbox, { ...request, header: { ...request.header, softTimeLimitMs: 3_000 } });
    const events = await sandbox.eventsUntil(jobId, 'FAILURE', 60_000);
    const failure = events.find((event) => event.state === 'FAILURE');
    assert.equal(failure?.error?.code, 'SEDANO_ERR_JOB_TIME_LIMIT', failure?.error?.message);
    assert.ok(epochsOf(events).length < 500);
    assert.equal(await registry.latestVersion(modelName), undefined);
  },
);

test('bad inputs each fail at once with their codes', { timeout: 120_000 }, async (t) => {
  const { sandbox, root } = await startTrainer(t);
  writeFileSync(join(root, 'big.jsonl'), `${JSON.stringify({ text: 'x'.repeat(30_000), label: 'a' })}\n`);
  writeFileSync(join(root, 'bad.jsonl'), '{"text": "fine", "label": "a"}\nnot json\n');
  const base = trainingRequest().examples;
  const cases: [Parameters<typeof trainingRequest>[0], string][] = [
    [{ examples: base.map((example) => ({ ...example, label: 'same' })) }, 'SEDANO_ERR_TRAINING_TOO_FEW_LABELS'],
    [{ examples: [...base, { text: 'one rare example', label: 'rare' }] }, 'SEDANO_ERR_TRAINING_TOO_FEW_EXAMPLES'],
    [{ examples: [...base, { text: '', label: 'sport' }] }, 'SEDANO_ERR_TRAINING_EMPTY_TEXT'],
    [{ datasetUri: '/etc/passwd' }, 'SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT'],
    [{ datasetUri: 'big.jsonl' }, 'SEDANO_ERR_TRAINING_DATASET_TOO_LARGE'],
    [{ datasetUri: 'bad.jsonl' }, 'SEDANO_ERR_TRAINING_DATASET_INVALID'],
    [{ hyperParameters: { learningRate: -1 } }, 'SEDANO_ERR_TRAINING_INVALID_HYPERPARAMETER'],
    [{ modelType: 'bert' }, 'SEDANO_ERR_TRAINING_UNSUPPORTED_MODEL_TYPE'],
  ];
  const jobs = [];
  for (const [overrides, code] of cases)
    jobs.push({ jobId: await submitTraining(sandbox, trainingRequest(overrides)), code });
  for (const { jobId, code } of jobs) {
    const events = await sandbox.eventsUntil(jobId, 'FAILURE', 60_000);
    const failure = events.find((event) => event.state === 'FAILURE');
    assert.equal(failure?.error?.code, code, failure?.error?.message);
    assert.equal(failure?.error?.retriable, false);
    assert.ok(!events.some((event) => event.state === 'RETRY'), `${code}: failed at once`);
  }
});
