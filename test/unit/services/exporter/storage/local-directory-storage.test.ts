import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exportFileName, isExportFileName } from '../../../../../services/exporter/storage/export-storage.ts';
import { createLocalDirectoryStorage } from '../../../../../services/exporter/storage/local-directory-storage.ts';
import { isSedanoError } from '../../../../../services/lib/errors.ts';

function directory(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-export-storage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

test('the file name comes from the job id alone; anything else is refused', () => {
  const jobId = randomUUID();
  assert.equal(exportFileName(jobId), `${jobId}.pdf`);
  assert.ok(isExportFileName(`${jobId}.pdf`));
  assert.throws(
    () => exportFileName('../../etc/passwd'),
    (error: unknown) => isSedanoError(error) && !error.retriable,
  );
  assert.ok(!isExportFileName('../x.pdf'));
});

test('a write lands whole under its name, with its size, checksum and URI', async (t) => {
  const dir = directory(t);
  const storage = createLocalDirectoryStorage(join(dir, 'nested'));
  const name = exportFileName(randomUUID());
  const stored = await storage.write(name, chunks('%PDF-', 'body'));
  assert.equal(stored.sizeBytes, 9);
  assert.equal(stored.sha256, createHash('sha256').update('%PDF-body').digest('hex'));
  assert.equal(readFileSync(fileURLToPath(stored.uri), 'utf8'), '%PDF-body');
  const opened = await storage.open(name);
  assert.ok(opened);
  assert.equal(opened.sizeBytes, 9);
  assert.equal(await text(opened.stream), '%PDF-body');
  assert.equal(await storage.open(exportFileName(randomUUID())), undefined);
  assert.equal(await storage.open('../../etc/passwd'), undefined);
});

test('a source that fails mid-way leaves no file, not even a partial one', async (t) => {
  const dir = directory(t);
  const storage = createLocalDirectoryStorage(dir);
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('%PDF-half');
    throw new Error('renderer crashed');
  }
  await assert.rejects(storage.write(exportFileName(randomUUID()), failing()), (error: unknown) => {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, 'SEDANO_ERR_EXPORT_STORAGE_FAILED');
    assert.equal(error.retriable, true);
    return true;
  });
  assert.deepEqual(readdirSync(dir), []);
});

test('writing the same name twice leaves one file with the second content', async (t) => {
  const dir = directory(t);
  const storage = createLocalDirectoryStorage(dir);
  const name = exportFileName(randomUUID());
  await storage.write(name, chunks('first'));
  await storage.write(name, chunks('second'));
  assert.deepEqual(readdirSync(dir), [name]);
  assert.equal(readFileSync(join(dir, name), 'utf8'), 'second');
});

test('listing skips temporary files and gives ages; the cleanup removes old files and old leftovers', async (t) => {
  const dir = directory(t);
  const storage = createLocalDirectoryStorage(dir);
  const old = exportFileName(randomUUID());
  const fresh = exportFileName(randomUUID());
  await storage.write(old, chunks('old'));
  await storage.write(fresh, chunks('fresh'));
  const leftover = `.partial-${exportFileName(randomUUID())}-abc`;
  writeFileSync(join(dir, leftover), 'half');
  writeFileSync(join(dir, 'notes.txt'), 'not ours');
  const now = Date.now();
  const dayAgo = new Date(now - 86_400_000);
  utimesSync(join(dir, old), dayAgo, dayAgo);
  utimesSync(join(dir, leftover), dayAgo, dayAgo);
  const listed = await storage.list(now);
  assert.deepEqual(listed.map((entry) => entry.name).sort(), [old, fresh].sort());
  const oldEntry = listed.find((entry) => entry.name === old);
  assert.ok(oldEntry && oldEntry.ageMs >= 86_400_000 - 1000);
  assert.equal((await storage.stat(fresh, now))?.sizeBytes, 5);
  const removed = await storage.removeOlderThan(3_600_000, now);
  assert.deepEqual(removed.sort(), [old, leftover].sort());
  assert.deepEqual(readdirSync(dir).sort(), [fresh, 'notes.txt'].sort());
});
