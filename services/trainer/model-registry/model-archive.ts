/**
 * The model registry's backup side: every recorded version with its files, copied out of the
 * registry into a backup and back into a (fresh) registry, version numbers kept. Over the
 * default registry only (files in a local directory, index in Redis), as create.ts builds it.
 */
import { cp, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { redisKeys } from '../../../topology/redis-keys.ts';
import type { ModelRegistryOptions } from './create.ts';
import { versionDirectoryOf } from './local-model-store.ts';
import type { ModelVersionRecord } from './model-version.ts';
import { createRedisModelIndex, restoreModelRecord } from './redis-model-index.ts';

export interface ModelArchive {
  /** Every recorded version, by model name, then version. */
  records(): Promise<ModelVersionRecord[]>;
  /** Copies a version's files (its record and weights) into `directory`, created. */
  copyOut(record: ModelVersionRecord, directory: string): Promise<void>;
  /** Whether this registry has the version already (in its index or its directory). */
  has(record: Pick<ModelVersionRecord, 'modelName' | 'version'>): Promise<boolean>;
  /**
   * Puts a version back from `directory`: its files first, then its index entry (so a reader
   * never sees a version without its files); returns the record as restored (its new
   * `artifactUri`). Throws when the version is already there.
   */
  restore(record: ModelVersionRecord, directory: string): Promise<ModelVersionRecord>;
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** The archive of the registry `openModelRegistry(redis, options)` opens; the caller owns `redis`. */
export function openModelArchive(redis: Redis, options: ModelRegistryOptions): ModelArchive {
  const keys = redisKeys(options.namespace).models;
  const index = createRedisModelIndex(redis, keys);
  const directoryOf = (record: Pick<ModelVersionRecord, 'modelName' | 'version'>) =>
    versionDirectoryOf(options.modelDir, record.modelName, record.version);
  return {
    async records() {
      const records: ModelVersionRecord[] = [];
      for (const { modelName } of await index.list()) records.push(...(await index.versions(modelName)));
      return records;
    },
    async copyOut(record, directory) {
      await cp(directoryOf(record), directory, { recursive: true, errorOnExist: true, force: false });
    },
    async has(record) {
      return (await index.get(record.modelName, record.version)) !== undefined || exists(directoryOf(record));
    },
    async restore(record, directory) {
      const target = directoryOf(record);
      await cp(directory, target, { recursive: true, errorOnExist: true, force: false });
      const restored = { ...record, artifactUri: pathToFileURL(target).href };
      if (!(await restoreModelRecord(redis, keys, restored))) {
        throw new Error(`${record.modelName}@${record.version} is already in the model registry`);
      }
      return restored;
    },
  };
}
