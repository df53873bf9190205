/**
 * Backup then restore into a fresh namespace (new data directory, model directory and Redis
 * keys, status topic and subject): the search returns the same hits, the saved model is listed
 * and loads with the same weights, every backed-up job's newest status is back on the status
 * topic and answers from the fresh view, the subject is registered; a second run of the slot
 * does nothing; a registry that has the version already, or a changed file, stops the restore.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { jobStatusEventContract, type JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { createStatusView } from '../../../../services/lib/status-view.ts';
import { startStatusProjector } from '../../../../services/status-projector/projector.ts';
import { openLanceDbVectorStore } from '../../../../services/indexer/vector-store/lancedb.ts';
import { createBackup, listBackups, restoreBackup } from '../../../../services/maintenance/tasks/backup.ts';
import { registrySubjects } from '../../../../services/maintenance/tasks/registry-subjects.ts';
import { maintenanceRun } from '../../../../services/scheduler/maintenance-run.ts';
import { createRunEmitter } from '../../../../services/scheduler/schedule-control.ts';
import { slotIdempotencyKey } from '../../../../services/scheduler/slot-identity.ts';
import { openModelArchive, openModelCatalog } from '../../../../services/trainer/model-catalog.ts';
import { openModelRegistry } from '../../../../services/trainer/model-registry/create.ts';
import type { ClassifierNetwork } from '../../../../services/trainer/training/classifier-network.ts';
import { contractBindings } from '../../../../topology/contracts.ts';
import { redisKeys } from '../../../../topology/redis-keys.ts';
import {
  collectMessages,
  createTestTopic,
  deleteSubjectAfter,
  endpoints,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  redisClient,
  testNames,
  uniqueName,
} from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { schedulerSandbox } from '../scheduler/scheduler-harness.ts';
import { chunk } from './chunks.ts';
import { modelVersionDraft } from '../trainer/model-fixtures.ts';
import { taskContext } from './task-context.ts';

const NETWORK: ClassifierNetwork = {
  layers: [
    {
      inputs: 3,
      units: 2,
      weights: new Float32Array([0.5, -1, 2, 0.25, -3, 1.5]),
      bias: new Float32Array([0.1, -0.1]),
    },
  ],
};

test(
  'backup then restore into a fresh namespace gives the same search hits, models and job statuses',
  { timeout: 90_000 },
  async (t) => {
    const sandbox = await schedulerSandbox(t);
    const names = testNames();
    const { valueSubject } = names;
    const statusBinding = contractBindings(names).status;
    const admin = await kafkaAdmin(t);
    const scratch = await mkdtemp(path.join(tmpdir(), 'sedano-backup-'));
    onCleanup(t, () => rm(scratch, { recursive: true, force: true }));
    const dataDir = path.join(scratch, 'data');
    const backupDir = path.join(scratch, 'backups');

    // A collection, and three jobs on the status topic (one with a later STARTED event).
    const store = await openLanceDbVectorStore({ dataDir });
    onCleanup(t, () => store.close());
    await store.ensureCollection({ name: 'docs', embedder: 'test', dimension: 3 });
    for (let doc = 0; doc < 4; doc += 1) {
      await store.replaceDocument('docs', `doc-${doc}`, [
        chunk(`doc-${doc}`, 0, [doc, 1, 0]),
        chunk(`doc-${doc}`, 1, [1, 0, doc]),
      ]);
    }
    // A model version saved by the trainer's registry (files in the model directory, index in Redis).
    const models = redisClient(t);
    const modelDir = path.join(scratch, 'models');
    const saved = await openModelRegistry(models.redis, { modelDir, namespace: models.keys.namespace }).save(
      modelVersionDraft('sentiment', NETWORK),
      crypto.randomUUID(),
    );
    const emit = createRunEmitter(sandbox);
    const runs = [1, 2, 3].map((n) =>
      maintenanceRun(
        { name: 'seed', task: 'CACHE_CLEANUP' },
        n * 1000,
        slotIdempotencyKey('seed', n * 1000),
        Date.now(),
        'test',
      ),
    );
    for (const run of runs) await emit(run);
    const started: JobStatusEvent = { ...runs[0]!.pending, state: 'STARTED', sequence: 7 };
    const binding = { ...statusBinding, subject: valueSubject(sandbox.statusTopic) };
    await sandbox.producer.send(sandbox.statusTopic, [await sandbox.codec.toMessage(binding, started.jobId, started)]);

    const subjects = registrySubjects(endpoints().schemaRegistryUrl);
    const backup = createBackup({
      backupDir,
      vectorStore: store,
      collections: async () => ['docs'],
      kafka: kafkaClient(),
      admin,
      codec: sandbox.codec,
      statusTopic: sandbox.statusTopic,
      readerGroup: (purpose, runId) => `${uniqueName('test')}.ctl.${purpose}-${runId}`,
      subjects,
      subjectPrefix: sandbox.statusTopic,
      topology: { topics: [sandbox.statusTopic] },
      models: openModelArchive(models.redis, { modelDir, namespace: models.keys.namespace }),
    });
    const context = taskContext('BACKUP');
    const outcome = await backup(context);
    assert.equal(outcome.counts['collections'], 1);
    assert.equal(outcome.counts['chunks'], 8);
    assert.equal(outcome.counts['statusEvents'], 3);
    assert.equal(outcome.counts['subjects'], 1);
    assert.equal(outcome.counts['models'], 1);
    assert.equal(outcome.itemsAffected, 6);
    const [manifest] = await listBackups(backupDir);
    assert.ok(manifest);
    assert.ok(manifest.files.every((file) => /^[0-9a-f]{64}$/.test(file.sha256) && file.bytes >= 0));
    assert.deepEqual(
      manifest.files.filter((file) => !file.path.startsWith('collections/')).map((file) => file.path),
      [
        'models.json',
        'models/sentiment/1/model.json',
        'models/sentiment/1/weights.bin',
        'status-events.jsonl',
        'subjects.json',
        'topology.json',
      ],
    );
    assert.deepEqual(manifest.models, { path: 'models.json', directory: 'models', count: 1 });
    // The same slot again: the backup is there, nothing new is written.
    assert.deepEqual((await backup(context)).counts, { ...outcome.counts, backupsDeleted: 0 });
    assert.deepEqual(await readdir(backupDir), [manifest.id]);

    // Restore into a fresh namespace.
    const freshTopic = (await createTestTopic(t, admin, { prefix: 'test-restored-status' })).name;
    deleteSubjectAfter(t, valueSubject(freshTopic));
    const freshData = path.join(scratch, 'restored');
    const freshModels = redisClient(t);
    const freshModelDir = path.join(scratch, 'restored-models');
    const freshRegistry = { modelDir: freshModelDir, namespace: freshModels.keys.namespace };
    const restored = await restoreBackup({
      backupDir,
      id: manifest.id,
      lanceDbDataDir: freshData,
      producer: sandbox.producer,
      codec: sandbox.codec,
      statusTopic: freshTopic,
      statusBinding: { ...statusBinding, subject: valueSubject(freshTopic) },
      subjects,
      renameSubject: (subject) => subject.replace(sandbox.statusTopic, freshTopic),
      models: openModelArchive(freshModels.redis, freshRegistry),
    });
    assert.deepEqual(restored, { collections: 1, statusEvents: 3, subjects: 1, models: 1 });

    // The model is listed and loads from the fresh registry, with the same record and weights.
    const catalog = openModelCatalog(freshModels.redis, freshRegistry);
    assert.deepEqual(await catalog.list(), [{ modelName: 'sentiment', latestVersion: 1, versions: 1 }]);
    const record = await catalog.get('sentiment', 1);
    assert.ok(record, 'the restored version');
    assert.deepEqual({ ...record, artifactUri: saved.artifactUri }, saved);
    assert.ok(record.artifactUri.includes('restored-models'), record.artifactUri);
    const network = await catalog.readNetwork(record);
    assert.deepEqual(network.layers, NETWORK.layers);

    const freshStore = await openLanceDbVectorStore({ dataDir: freshData });
    onCleanup(t, () => freshStore.close());
    for (const query of [
      [3, 1, 0],
      [1, 0, 2],
    ]) {
      const original = await store.search('docs', query, { limit: 3 });
      const copy = await freshStore.search('docs', query, { limit: 3 });
      assert.deepEqual(
        copy.map((hit) => [hit.chunk.id, hit.score]),
        original.map((hit) => [hit.chunk.id, hit.score]),
      );
    }
    const collected = await collectMessages(t, [freshTopic]);
    const messages = await collected.until((all) => all.length === 3, 'the restored status events');
    const events = await Promise.all(
      messages.map(async (message) => (await sandbox.codec.decode(jobStatusEventContract, message.value)).record),
    );
    assert.deepEqual(
      events.map((event) => [event.jobId, event.state]).sort(),
      runs.map((run) => [run.request.jobId, run.request.jobId === started.jobId ? 'STARTED' : 'PENDING']).sort(),
    );
    assert.ok((await subjects.list(freshTopic)).some((subject) => subject.subject === valueSubject(freshTopic)));

    // The fresh namespace's projector rebuilds its view from the restored events: each
    // backed-up job answers as GET /v1/jobs/:id reads it.
    const viewRedis = new Redis(endpoints().redisUrl);
    const view = createStatusView({ redis: viewRedis, keys: redisKeys(uniqueName('test-restored-view')).status });
    onCleanup(t, async () => {
      await view.clear();
      viewRedis.disconnect();
    });
    const projector = await startStatusProjector({
      kafka: kafkaClient(),
      codec: sandbox.codec,
      view,
      names,
      logger: pino({ level: 'silent' }),
      topic: freshTopic,
      batchTopic: (await createTestTopic(t, admin, { prefix: 'test-restored-batches' })).name,
      groupId: uniqueName('test-restored-projector'),
    });
    onCleanup(t, () => projector.close());
    for (const run of runs) {
      const job = await waitFor(() => view.get(run.request.jobId), {
        description: 'the restored job in the view',
        timeoutMs: 30_000,
      });
      assert.equal(job.state, run.request.jobId === started.jobId ? 'STARTED' : 'PENDING');
    }

    // A registry that has the version already stops the restore before it writes anything.
    await assert.rejects(
      restoreBackup({
        backupDir,
        id: manifest.id,
        lanceDbDataDir: path.join(scratch, 'never'),
        producer: sandbox.producer,
        codec: sandbox.codec,
        statusTopic: freshTopic,
        statusBinding: { ...statusBinding, subject: valueSubject(freshTopic) },
        subjects,
        models: openModelArchive(freshModels.redis, freshRegistry),
      }),
      { code: 'SEDANO_ERR_BACKUP_TARGET_NOT_EMPTY', message: /the model registry has sentiment@1/ },
    );
    assert.equal((await readdir(scratch)).includes('never'), false, 'nothing restored');

    // A changed file stops the restore before it writes anything.
    await appendFile(path.join(backupDir, manifest.id, 'status-events.jsonl'), '{}\n');
    await assert.rejects(
      restoreBackup({
        backupDir,
        id: manifest.id,
        lanceDbDataDir: path.join(scratch, 'never'),
        producer: sandbox.producer,
        codec: sandbox.codec,
        statusTopic: freshTopic,
        statusBinding: { ...statusBinding, subject: valueSubject(freshTopic) },
        subjects,
      }),
      { code: 'SEDANO_ERR_BACKUP_CORRUPT', message: /status-events\.jsonl: changed/ },
    );
    assert.equal((await readdir(scratch)).includes('never'), false, 'nothing restored');
  },
);
