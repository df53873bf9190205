/**
 * The local-directory adapter of ExportStorage: one flat directory (a volume in
 * docker-compose). A file is written as `.partial-<name>-<random>` in the same directory,
 * flushed to disk, then renamed over `<name>`: a rename within one file system is atomic, so
 * readers see the old file, the new one, or none, and a writer killed mid-file leaves only a
 * dot-file that listings skip and the retention cleanup removes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SedanoError } from '../../lib/errors.ts';
import { type ExportEntry, type ExportStorage, isExportFileName, type StoredExport } from './export-storage.ts';

const PARTIAL_PREFIX = '.partial-';

function storageError(what: string, cause: unknown): SedanoError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SedanoError('SEDANO_ERR_EXPORT_STORAGE_FAILED', `${what}: ${reason}`, { retriable: true, cause });
}

function checkName(name: string): void {
  if (!isExportFileName(name)) {
    throw new SedanoError('SEDANO_ERR_EXPORT_STORAGE_FAILED', `not an export file name: ${JSON.stringify(name)}`, {
      retriable: false,
    });
  }
}

async function writeAll(
  path: string,
  source: AsyncIterable<Uint8Array>,
): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const file = await open(path, 'wx', 0o644);
  try {
    for await (const chunk of source) {
      hash.update(chunk);
      sizeBytes += chunk.byteLength;
      await file.write(chunk);
    }
    // On disk before the rename makes it visible: a crash after the rename never shows a truncated file.
    await file.sync();
  } finally {
    await file.close();
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

/** ExportStorage over the directory `root` (created when missing). */
export function createLocalDirectoryStorage(root: string): ExportStorage {
  let ready: Promise<unknown> | undefined;
  const ensureRoot = (): Promise<unknown> => (ready ??= mkdir(root, { recursive: true }));

  const entryOf = async (name: string, nowMs: number): Promise<ExportEntry | undefined> => {
    try {
      const info = await stat(join(root, name));
      if (!info.isFile()) return undefined;
      return { name, sizeBytes: info.size, modifiedAtMs: info.mtimeMs, ageMs: Math.max(0, nowMs - info.mtimeMs) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw storageError(`cannot read ${name}`, error);
    }
  };

  const names = async (): Promise<string[]> => {
    await ensureRoot();
    try {
      return await readdir(root);
    } catch (error) {
      throw storageError(`cannot list ${root}`, error);
    }
  };

  return {
    async write(name, source) {
      checkName(name);
      await ensureRoot().catch((error: unknown) => {
        ready = undefined;
        throw storageError(`cannot create ${root}`, error);
      });
      const partial = join(root, `${PARTIAL_PREFIX}${name}-${randomBytes(6).toString('hex')}`);
      const target = join(root, name);
      try {
        const written = await writeAll(partial, source);
        await rename(partial, target);
        return { name, ...written, uri: pathToFileURL(target).href } satisfies StoredExport;
      } catch (error) {
        await rm(partial, { force: true });
        if (error instanceof SedanoError) throw error;
        throw storageError(`cannot write ${name}`, error);
      }
    },

    async open(name) {
      if (!isExportFileName(name)) return undefined;
      const entry = await entryOf(name, Date.now());
      if (entry === undefined) return undefined;
      return { stream: createReadStream(join(root, name)), sizeBytes: entry.sizeBytes };
    },

    async stat(name, nowMs = Date.now()) {
      return isExportFileName(name) ? entryOf(name, nowMs) : undefined;
    },

    async list(nowMs = Date.now()) {
      const entries = await Promise.all((await names()).filter(isExportFileName).map((name) => entryOf(name, nowMs)));
      return entries.filter((entry) => entry !== undefined).sort((a, b) => a.name.localeCompare(b.name));
    },

    async removeOlderThan(maxAgeMs, nowMs = Date.now()) {
      const removed: string[] = [];
      for (const name of await names()) {
        if (!isExportFileName(name) && !name.startsWith(PARTIAL_PREFIX)) continue;
        const entry = await entryOf(name, nowMs);
        if (entry === undefined || entry.ageMs <= maxAgeMs) continue;
        await rm(join(root, name), { force: true });
        removed.push(name);
      }
      return removed;
    },
  };
}
