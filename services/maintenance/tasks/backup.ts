/**
 * The backup task and its restore.
 *
 * A backup is a directory `<backupDir>/<id>/` (id from the slot, e.g. `backup-20261130T020000Z`):
 * a snapshot of each collection (the vector store's own `snapshot`), the status events (the
 * newest of each job, from the compacted status topic), the model registry (every version's
 * record and files, through the trainer's archive port), the schema registry's subjects and the
 * topology, and `manifest.json` with every file's size and SHA-256. It is written under
 * `<id>.partial` and renamed when whole, so a crash never leaves a directory that looks
 * complete. Retention keeps the newest backup of each of the last `keepDaily` days and
 * `keepWeekly` ISO weeks; the others are deleted.
 */
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobStatusEvent } from '../../../schemas/job-status-event.ts';
import type { Codec, SubjectBinding } from '../../lib/codec.ts';
import { SedanoError } from '../../lib/errors.ts';
import type { KafkaAdmin, KafkaClient, KafkaProducer } from '../../lib/kafka.ts';
import type { ModelArchive, ModelVersionRecord } from '../../trainer/model-catalog.ts';
import { outcomeOf, type TaskRunner } from '../maintenance-task.ts';
import { type BackupManifest, describeFiles, MANIFEST_FILE, manifestProblems } from './backup-manifest.ts';
import { type BackupEntry, backupsToDelete } from './backup-retention.ts';
import type { MaintainedStore } from './index-optimizer-port.ts';
import { backedUpModels, backUpModels, modelsInTheWay, restoreModels } from './model-backup.ts';
import type { SubjectsPort, SubjectSchema } from './registry-subjects.ts';
import { exportStatusEvents, importStatusEvents } from './status-export.ts';

export interface BackupOptions {
  /** Where backups are written (SEDANO_BACKUP_DIR). */
  backupDir: string;
  vectorStore: MaintainedStore;
  /** The collections to snapshot. */
  collections: () => Promise<string[]>;
  kafka: KafkaClient;
  admin: KafkaAdmin;
  codec: Codec;
  statusTopic: string;
  /** A throwaway reader group's name (`TopologyNames.readerGroup`: under a prefix the cache cleanup knows). */
  readerGroup: (purpose: string, runId: string) => string;
  subjects: SubjectsPort;
  /** Subjects of this deployment: those whose name starts with it (e.g. the namespace and a dot). */
  subjectPrefix: string;
  /** What to record as the topology (e.g. the declared topics). */
  topology: unknown;
  /** The model registry to back up. @default none: the backup has no models section */
  models?: ModelArchive;
  /** @default 7 */
  keepDaily?: number;
  /** @default 4 */
  keepWeekly?: number;
  now?: () => number;
}

/** A backup's id from its slot, e.g. `backup-20261130T020000Z` (pure). */
export function backupId(slotMs: number): string {
  return `backup-${new Date(slotMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;
}

async function readManifest(directory: string): Promise<BackupManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(directory, MANIFEST_FILE), 'utf8')) as BackupManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The complete backups in `backupDir`, oldest first. */
export async function listBackups(backupDir: string): Promise<BackupManifest[]> {
  let names: string[];
  try {
    names = await readdir(backupDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const manifests = await Promise.all(
    names.filter((name) => !name.endsWith('.partial')).map((name) => readManifest(path.join(backupDir, name))),
  );
  return manifests.filter((manifest) => manifest !== undefined).sort((a, b) => a.createdAtMs - b.createdAtMs);
}

function outcomeOfManifest(manifest: BackupManifest, deleted: number) {
  const bytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  const chunks = manifest.collections.reduce((sum, collection) => sum + (collection.chunkCount ?? 0), 0);
  const counts = {
    collections: manifest.collections.length,
    chunks,
    statusEvents: manifest.statusEvents.count,
    subjects: manifest.subjects.count,
    models: manifest.models?.count ?? 0,
    files: manifest.files.length,
    bytes,
    backupsDeleted: deleted,
  };
  const summary =
    `backup ${manifest.id}: ${counts.collections} collections (${chunks} chunks), ${counts.statusEvents} jobs, ` +
    `${counts.subjects} subjects, ${counts.models} model versions, ${counts.files} files, ${bytes} bytes; ` +
    `${deleted} old backups deleted`;
  return outcomeOf(summary, counts, ['collections', 'statusEvents', 'subjects', 'models']);
}

export function createBackup(options: BackupOptions): TaskRunner {
  return async ({ request, progress, signal }) => {
    const id = backupId(request.slotTime);
    const final = path.join(options.backupDir, id);
    const existing = await readManifest(final);
    if (existing !== undefined) return outcomeOfManifest(existing, 0);
    const work = `${final}.partial`;
    await rm(work, { recursive: true, force: true });
    await mkdir(path.join(work, 'collections'), { recursive: true });

    const collections: BackupManifest['collections'] = [];
    const names = await options.collections();
    for (const [index, name] of names.entries()) {
      signal.throwIfAborted();
      progress(index, names.length + 3, `snapshot of ${name}`);
      const snapshot = await options.vectorStore.snapshot(name, path.join(work, 'collections'));
      collections.push({ name, path: path.relative(work, snapshot.location), chunkCount: snapshot.chunkCount ?? null });
    }
    progress(names.length, names.length + 3, 'status events');
    const events = await exportStatusEvents({
      ...options,
      groupId: options.readerGroup(`backup-${id}`, crypto.randomUUID().slice(0, 8)),
    });
    await writeFile(
      path.join(work, 'status-events.jsonl'),
      events.map((event) => `${JSON.stringify(event)}\n`).join(''),
    );
    progress(names.length + 1, names.length + 3, 'model registry, schema subjects and topology');
    const models = options.models === undefined ? undefined : await backUpModels(options.models, work);
    const subjects = await options.subjects.list(options.subjectPrefix);
    await writeFile(path.join(work, 'subjects.json'), `${JSON.stringify(subjects, null, 2)}\n`);
    await writeFile(path.join(work, 'topology.json'), `${JSON.stringify(options.topology, null, 2)}\n`);

    const manifest: BackupManifest = {
      version: 1,
      id,
      createdAtMs: (options.now ?? Date.now)(),
      idempotencyKey: request.idempotencyKey,
      collections,
      statusEvents: { path: 'status-events.jsonl', count: events.length },
      subjects: { path: 'subjects.json', count: subjects.length },
      topologyPath: 'topology.json',
      ...(models === undefined ? {} : { models }),
      files: await describeFiles(work),
    };
    await writeFile(path.join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(work, final);

    progress(names.length + 2, names.length + 3, 'retention');
    const all: BackupEntry[] = await listBackups(options.backupDir);
    const expired = backupsToDelete(all, options.keepDaily ?? 7, options.keepWeekly ?? 4);
    for (const backup of expired) await rm(path.join(options.backupDir, backup.id), { recursive: true, force: true });
    progress(names.length + 3, names.length + 3, 'done');
    return outcomeOfManifest(manifest, expired.length);
  };
}

export interface RestoreOptions {
  backupDir: string;
  id: string;
  /** The LanceDB data directory the collections are restored into (they must not exist there). */
  lanceDbDataDir: string;
  producer: KafkaProducer;
  codec: Codec;
  /** The status topic the events are produced to, and its binding (subject). */
  statusTopic: string;
  statusBinding: SubjectBinding<JobStatusEvent>;
  subjects: SubjectsPort;
  /** The subject name to register a backed-up subject under (e.g. another namespace's). @default unchanged */
  renameSubject?: (subject: string) => string;
  /** The model registry the backed-up versions are restored into. @default none: models are not restored */
  models?: ModelArchive;
}

export interface RestoreResult {
  collections: number;
  statusEvents: number;
  subjects: number;
  /** Model versions restored. */
  models: number;
}

/** The backup's manifest, once its files match it and nothing it restores is in the target already. */
async function checkedForRestore(
  options: RestoreOptions,
  directory: string,
): Promise<{ manifest: BackupManifest; models: ModelVersionRecord[] }> {
  const manifest = await readManifest(directory);
  if (manifest === undefined) {
    throw new SedanoError('SEDANO_ERR_BACKUP_NOT_FOUND', `no backup ${options.id} in ${options.backupDir}`);
  }
  const problems = manifestProblems(manifest.files, await describeFiles(directory));
  if (problems.length > 0) {
    throw new SedanoError('SEDANO_ERR_BACKUP_CORRUPT', `backup ${options.id}:\n${problems.join('\n')}`);
  }
  for (const { name } of manifest.collections) {
    const target = path.join(options.lanceDbDataDir, `${name}.lance`);
    if (
      await stat(target).then(
        () => true,
        () => false,
      )
    ) {
      throw new SedanoError('SEDANO_ERR_BACKUP_TARGET_NOT_EMPTY', `${target} exists`);
    }
  }
  if (options.models === undefined || manifest.models === undefined) return { manifest, models: [] };
  const models = await backedUpModels(directory, manifest.models);
  const taken = await modelsInTheWay(options.models, models);
  if (taken.length > 0) {
    throw new SedanoError('SEDANO_ERR_BACKUP_TARGET_NOT_EMPTY', `the model registry has ${taken.join(', ')}`);
  }
  return { manifest, models };
}

/**
 * Restores a backup into an empty stack: checks every file against the manifest first, then
 * that no collection or model version is there already, then copies the collections into the
 * data directory, restores the model versions (files, then index), registers the subjects and
 * produces the status events (the projector rebuilds the view from them). LanceDB collections only.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const directory = path.join(options.backupDir, options.id);
  const { manifest, models } = await checkedForRestore(options, directory);
  await mkdir(options.lanceDbDataDir, { recursive: true });
  for (const collection of manifest.collections) {
    // A LanceDB snapshot is itself a database holding the one table (see lancedb.ts).
    const table = `${collection.name}.lance`;
    await cp(path.join(directory, collection.path, table), path.join(options.lanceDbDataDir, table), {
      recursive: true,
      errorOnExist: true,
    });
  }
  if (options.models !== undefined && manifest.models !== undefined) {
    await restoreModels(options.models, directory, manifest.models, models);
  }
  const subjects = JSON.parse(await readFile(path.join(directory, manifest.subjects.path), 'utf8')) as SubjectSchema[];
  const rename = options.renameSubject ?? ((subject: string) => subject);
  for (const { subject, schema, compatibility } of subjects) {
    await options.subjects.register(rename(subject), schema, compatibility);
  }
  const events = (await readFile(path.join(directory, manifest.statusEvents.path), 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JobStatusEvent);
  await importStatusEvents(options.producer, options.codec, options.statusBinding, options.statusTopic, events);
  return {
    collections: manifest.collections.length,
    statusEvents: events.length,
    subjects: subjects.length,
    models: models.length,
  };
}
