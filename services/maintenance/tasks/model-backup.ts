/**
 * The model registry in a backup: `models.json` (every version's record) and each version's
 * files under `models/<modelName>/<version>/`, through the trainer's archive port; restored
 * under the same version numbers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelArchive, ModelVersionRecord } from '../../trainer/model-catalog.ts';

/** The manifest's record of the model registry. */
export interface ModelsSection {
  /** The records file (a JSON array). */
  path: string;
  /** The directory of the versions' files. */
  directory: string;
  /** Versions backed up. */
  count: number;
}

const versionDirectory = (root: string, section: Pick<ModelsSection, 'directory'>, record: ModelVersionRecord) =>
  path.join(root, section.directory, record.modelName, String(record.version));

/** Copies every version of the registry into the backup directory `work`. */
export async function backUpModels(archive: ModelArchive, work: string): Promise<ModelsSection> {
  const section: ModelsSection = { path: 'models.json', directory: 'models', count: 0 };
  const records = await archive.records();
  for (const record of records) await archive.copyOut(record, versionDirectory(work, section, record));
  await writeFile(path.join(work, section.path), `${JSON.stringify(records, null, 2)}\n`);
  return { ...section, count: records.length };
}

/** The versions recorded in a backup. */
export async function backedUpModels(directory: string, section: ModelsSection): Promise<ModelVersionRecord[]> {
  return JSON.parse(await readFile(path.join(directory, section.path), 'utf8')) as ModelVersionRecord[];
}

/** The versions of `records` the target registry has already (`name@version`). */
export async function modelsInTheWay(archive: ModelArchive, records: readonly ModelVersionRecord[]): Promise<string[]> {
  const taken: string[] = [];
  for (const record of records) if (await archive.has(record)) taken.push(`${record.modelName}@${record.version}`);
  return taken;
}

/** Restores the versions of a backup into the target registry, oldest first; returns how many. */
export async function restoreModels(
  archive: ModelArchive,
  directory: string,
  section: ModelsSection,
  records: readonly ModelVersionRecord[],
): Promise<number> {
  for (const record of records) await archive.restore(record, versionDirectory(directory, section, record));
  return records.length;
}
