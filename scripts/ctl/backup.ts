/**
 * `ctl backup list` and `ctl backup restore <id>`: the backups the maintenance stage wrote to
 * `SEDANO_BACKUP_DIR` (default `.sedano/backups`), and their restore into an empty stack (the
 * LanceDB directory `SEDANO_DATA_DIR`, the model registry (`SEDANO_MODEL_DIR` and the namespace's
 * Redis index), the namespace's status topic, the schema registry).
 */
import type { Command } from 'commander';
import type { BackupManifest } from '../../services/maintenance/tasks/backup-manifest.ts';
import { listBackups, restoreBackup } from '../../services/maintenance/tasks/backup.ts';
import { registrySubjects } from '../../services/maintenance/tasks/registry-subjects.ts';
import { DEFAULT_LANCEDB_DATA_DIR } from '../../services/indexer/vector-store/create.ts';
import { DEFAULT_MODEL_DIR, openModelArchive } from '../../services/trainer/model-catalog.ts';
import { contractBindings } from '../../topology/contracts.ts';
import type { CtlAction } from './command-context.ts';
import { formatTable } from './output.ts';

/** Where backups are when SEDANO_BACKUP_DIR is not set. */
export const DEFAULT_BACKUP_DIR = '.sedano/backups';

/** The backups as a table, newest first (pure). */
export function formatBackups(backups: readonly BackupManifest[]): string[] {
  return formatTable(
    ['BACKUP', 'CREATED', 'COLLECTIONS', 'JOBS', 'SUBJECTS', 'MODELS', 'BYTES'],
    [...backups]
      .reverse()
      .map((backup) => [
        backup.id,
        new Date(backup.createdAtMs).toISOString(),
        String(backup.collections.length),
        String(backup.statusEvents.count),
        String(backup.subjects.count),
        String(backup.models?.count ?? 0),
        String(backup.files.reduce((sum, file) => sum + file.bytes, 0)),
      ]),
  );
}

export function registerBackup(program: Command, run: CtlAction): void {
  const backup = program.command('backup').description('backups written by the maintenance stage: list, restore');
  backup
    .command('list')
    .description(`the backups in SEDANO_BACKUP_DIR (default ${DEFAULT_BACKUP_DIR}), newest first`)
    .action(
      run(async ({ out, env }) => {
        const backups = await listBackups(env['SEDANO_BACKUP_DIR'] ?? DEFAULT_BACKUP_DIR);
        if (out.json) out.data({ backups });
        else for (const line of formatBackups(backups)) out.line(line);
      }),
    );
  backup
    .command('restore')
    .description('restore a backup into an empty stack: collections, model versions, schema subjects, job statuses')
    .argument('<id>')
    .action(
      run(async ({ out, env, clients, names }, id: string) => {
        const result = await restoreBackup({
          backupDir: env['SEDANO_BACKUP_DIR'] ?? DEFAULT_BACKUP_DIR,
          id,
          lanceDbDataDir: env['SEDANO_DATA_DIR'] ?? DEFAULT_LANCEDB_DATA_DIR,
          producer: await clients.producer(),
          codec: clients.codec(),
          statusTopic: names.statusTopic,
          statusBinding: contractBindings(names).status,
          subjects: registrySubjects(clients.endpoints.schemaRegistryUrl),
          models: openModelArchive(await clients.redis(), {
            modelDir: env['SEDANO_MODEL_DIR'] ?? DEFAULT_MODEL_DIR,
            namespace: names.namespace,
          }),
        });
        if (out.json) out.data(result);
        else {
          out.line(
            `restored ${id}: ${result.collections} collections, ${result.models} model versions, ` +
              `${result.subjects} subjects, ${result.statusEvents} job statuses`,
          );
        }
      }),
    );
}
