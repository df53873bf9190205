import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBackups } from '../../../../scripts/ctl/backup.ts';
import type { BackupManifest } from '../../../../services/maintenance/tasks/backup-manifest.ts';

const manifest = (id: string, createdAtMs: number): BackupManifest => ({
  version: 1,
  id,
  createdAtMs,
  idempotencyKey: `schedule:backup:${id}`,
  collections: [{ name: 'docs', path: 'collections/docs-v3', chunkCount: 8 }],
  statusEvents: { path: 'status-events.jsonl', count: 3 },
  subjects: { path: 'subjects.json', count: 2 },
  topologyPath: 'topology.json',
  ...(createdAtMs > 0 ? { models: { path: 'models.json', directory: 'models', count: 4 } } : {}),
  files: [
    { path: 'a', bytes: 10, sha256: 'x' },
    { path: 'b', bytes: 5, sha256: 'y' },
  ],
});

test('backups print newest first with their contents and size (no models section: 0 models)', () => {
  const lines = formatBackups([manifest('backup-1', 0), manifest('backup-2', 86_400_000)]);
  assert.match(lines[1]!, /^backup-2\s+1970-01-02T00:00:00.000Z\s+1\s+3\s+2\s+4\s+15$/);
  assert.match(lines[2]!, /^backup-1\s+1970-01-01T00:00:00.000Z\s+1\s+3\s+2\s+0\s+15$/);
});
