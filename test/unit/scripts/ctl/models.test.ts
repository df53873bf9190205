import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { formatModelList, formatModelVersion, formatModelVersions } from '../../../../scripts/ctl/models.ts';

const metrics = { accuracy: 0.95, loss: 0.12, validationAccuracy: 0.9, validationLoss: 0.3, epochs: 10 };
const version = {
  modelId: 'topics@2',
  version: 2,
  labels: ['finance', 'sport'],
  metrics,
  macroF1: 0.875,
  examples: 40,
  createdAt: '2026-01-01T00:00:00.000Z',
  embedder: { name: 'hashing-v1', dimension: 384 },
  evaluation: {
    perLabel: [
      { label: 'finance', precision: 1, recall: 0.75, f1: 0.857, support: 4 },
      { label: 'sport', precision: 0.8, recall: 1, f1: 0.889, support: 4 },
    ],
    confusionMatrix: [
      [3, 1],
      [0, 4],
    ],
  },
  dataset: { sha256: 'ab'.repeat(32) },
  trainingJobId: '00000000-0000-4000-8000-000000000002',
};

test('models list and show print tables of models, versions, per-label metrics and the confusion matrix', () => {
  assert.deepEqual(formatModelList([]), ['no models']);
  assert.match(formatModelList([{ modelName: 'topics', latestVersion: 2, versions: 2 }]).join('\n'), /topics\s+2\s+2/);
  const versions = formatModelVersions([version]).join('\n');
  assert.match(versions, /topics@2 .* 40 +10 +0\.120 +0\.300 +0\.900 +0\.875 +finance,sport/);
  const detail = formatModelVersion(version).join('\n');
  assert.match(detail, /finance +1\.000 +0\.750 +0\.857 +4/);
  assert.match(detail, /confusion matrix/);
  assert.match(detail, /finance +3 +1\nsport +0 +4/);
  assert.match(formatModelVersion({ ...version, evaluation: null }).join('\n'), /no validation set/);
});

test('models show refuses a malformed model id with exit code 2', () => {
  const run = spawnSync(process.execPath, ['scripts/ctl.ts', 'models', 'show', 'bad name@x', '--token', 't'], {
    cwd: new URL('../../../../', import.meta.url).pathname,
    encoding: 'utf8',
  });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /expected name or name@version/);
});
