/**
 * A backup's manifest: what it holds, with every file's size and SHA-256, so a restore can
 * check the copy is whole before it writes anything.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelsSection } from './model-backup.ts';

export const MANIFEST_FILE = 'manifest.json';

export interface ManifestFile {
  /** Path inside the backup directory, with `/` separators. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  /** Format of this manifest. */
  version: 1;
  id: string;
  createdAtMs: number;
  /** The idempotency key of the run that made it. */
  idempotencyKey: string;
  /** Each collection's snapshot: its directory inside the backup and its chunks. */
  collections: { name: string; path: string; chunkCount: number | null }[];
  /** The status events file (one JSON event per line, the latest of each job) and its count. */
  statusEvents: { path: string; count: number };
  /** The schema subjects file and its count. */
  subjects: { path: string; count: number };
  /** The topology file. */
  topologyPath: string;
  /** The model registry's versions and their files; absent from a backup made without the registry. */
  models?: ModelsSection;
  files: ManifestFile[];
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `root` (the manifest aside), with its size and SHA-256, in path order. */
export async function describeFiles(root: string): Promise<ManifestFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((relative) => relative !== MANIFEST_FILE)
    .sort();
  return Promise.all(
    files.map(async (relative) => {
      const absolute = path.join(root, relative);
      return {
        path: relative.split(path.sep).join('/'),
        bytes: (await stat(absolute)).size,
        sha256: await sha256Of(absolute),
      };
    }),
  );
}

/** Differences between the manifest's files and the files found (pure): missing, changed, unexpected. */
export function manifestProblems(expected: readonly ManifestFile[], found: readonly ManifestFile[]): string[] {
  const byPath = new Map(found.map((file) => [file.path, file]));
  const problems: string[] = [];
  for (const file of expected) {
    const actual = byPath.get(file.path);
    if (actual === undefined) problems.push(`${file.path}: missing`);
    else if (actual.sha256 !== file.sha256 || actual.bytes !== file.bytes) problems.push(`${file.path}: changed`);
    byPath.delete(file.path);
  }
  for (const extra of byPath.keys()) problems.push(`${extra}: not in the manifest`);
  return problems;
}
