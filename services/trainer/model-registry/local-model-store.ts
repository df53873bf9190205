/**
 * The default ModelFileStore: a local directory (a shared volume when workers run on several
 * machines). A version is `<root>/<modelName>/<version>/` with `model.json` (its record) and
 * `weights.bin`; it is written under `<root>/<modelName>/.staging-<random>/` and renamed, so a
 * reader never sees half a version.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelFileStore, StagedModelFiles } from './model-registry.ts';
import { checkModelName } from './model-version.ts';

export const MANIFEST_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** The directory of one version's files under the store's `root` (the backup copies it out and back). */
export function versionDirectoryOf(root: string, modelName: string, version: number): string {
  return join(root, checkModelName(modelName), String(version));
}

/** The store rooted at `root` (an absolute directory, created when missing). */
export function createLocalModelStore(root: string): ModelFileStore {
  const modelDirectory = (modelName: string) => join(root, checkModelName(modelName));
  const versionDirectory = (modelName: string, version: number) => versionDirectoryOf(root, modelName, version);
  return {
    async stage(modelName, files) {
      const location = join(modelDirectory(modelName), `.staging-${randomUUID()}`);
      await mkdir(location, { recursive: true });
      try {
        await writeFile(join(location, WEIGHTS_FILE), files.weights);
        await writeFile(join(location, MANIFEST_FILE), files.manifest);
      } catch (error) {
        await rm(location, { recursive: true, force: true });
        throw error;
      }
      return { modelName, location };
    },
    async commit(staged: StagedModelFiles, version: number) {
      const target = versionDirectory(staged.modelName, version);
      // A leftover is only ever an earlier attempt of the same job (versions are claimed per job).
      await rm(target, { recursive: true, force: true });
      await rename(staged.location, target);
      return pathToFileURL(target).href;
    },
    async discard(staged) {
      await rm(staged.location, { recursive: true, force: true });
    },
    async readWeights(modelName, version) {
      return new Uint8Array(await readFile(join(versionDirectory(modelName, version), WEIGHTS_FILE)));
    },
  };
}
