/**
 * The storage port for files users get back (export PDFs, backups): list and remove, enough
 * for the cleanup's retention. `createDirectoryFileStore` is the local-directory adapter.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredFile } from './cache-cleanup-plan.ts';

export interface FileStore {
  /** Every file (not directory) in the store; an absent store is empty. */
  list(): Promise<StoredFile[]>;
  remove(name: string): Promise<void>;
}

export function createDirectoryFileStore(directory: string): FileStore {
  return {
    async list() {
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const files = entries.filter((entry) => entry.isFile());
      return Promise.all(
        files.map(async ({ name }) => {
          const info = await stat(join(directory, name));
          return { name, sizeBytes: info.size, modifiedAtMs: info.mtimeMs };
        }),
      );
    },
    async remove(name) {
      await rm(join(directory, name), { force: true });
    },
  };
}
