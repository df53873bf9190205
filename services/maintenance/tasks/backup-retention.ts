/**
 * Which backups to keep (pure): the newest backup of each of the `keepDaily` most recent days
 * that have one, and the newest of each of the `keepWeekly` most recent ISO weeks (Monday to
 * Sunday, UTC) that have one. A backup kept by either rule stays; every other one goes.
 */
export interface BackupEntry {
  id: string;
  createdAtMs: number;
}

const DAY_MS = 86_400_000;

function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Days since the epoch of the Monday that starts the ISO week of `ms` (1970-01-01 was a Thursday). */
function weekOf(ms: number): number {
  const day = dayOf(ms);
  return day - ((day + 3) % 7);
}

function newestPerPeriod(backups: readonly BackupEntry[], period: (ms: number) => number, keep: number): string[] {
  const newest = new Map<number, BackupEntry>();
  for (const backup of backups) {
    const key = period(backup.createdAtMs);
    const current = newest.get(key);
    if (current === undefined || backup.createdAtMs > current.createdAtMs) newest.set(key, backup);
  }
  return [...newest.entries()]
    .sort(([a], [b]) => b - a)
    .slice(0, keep)
    .map(([, backup]) => backup.id);
}

/** The backups to delete, oldest first. */
export function backupsToDelete(backups: readonly BackupEntry[], keepDaily: number, keepWeekly: number): BackupEntry[] {
  const kept = new Set([
    ...newestPerPeriod(backups, dayOf, keepDaily),
    ...newestPerPeriod(backups, weekOf, keepWeekly),
  ]);
  return backups.filter((backup) => !kept.has(backup.id)).sort((a, b) => a.createdAtMs - b.createdAtMs);
}
