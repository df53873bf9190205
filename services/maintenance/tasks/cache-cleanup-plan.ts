/**
 * What the cache cleanup removes, decided from what it read (pure). Each rule keeps anything
 * it is not sure about: a key whose expiry it cannot read, a group with members, a file that
 * is not old enough.
 */

/** `PTTL` of a key: -1 when it has no expiry, -2 when it is gone. */
export interface KeyTtl {
  key: string;
  pttlMs: number;
}

/**
 * Embedding-cache entries to delete: those without an expiry (written by a version without
 * one, or by hand), and those older than `maxAgeMs`. The cache refreshes a key's expiry to
 * `cacheTtlMs` at each write, so its age is `cacheTtlMs - pttl`.
 */
export function staleEmbeddingKeys(entries: readonly KeyTtl[], cacheTtlMs: number, maxAgeMs: number): string[] {
  return entries
    .filter(({ pttlMs }) => pttlMs === -1 || (pttlMs >= 0 && cacheTtlMs - pttlMs > maxAgeMs))
    .map(({ key }) => key);
}

/** Keys that never expire although every key of their kind should (they would stay forever). */
export function keysWithoutExpiry(entries: readonly KeyTtl[]): string[] {
  return entries.filter(({ pttlMs }) => pttlMs === -1).map(({ key }) => key);
}

/**
 * Purge marks of topics that no longer exist: nothing can read below them any more. `markOf`
 * reads a mark's topic from its key (`keys.purgeMarkOf`); a key it cannot read stays.
 */
export function orphanedPurgeMarks(
  keys: readonly string[],
  markOf: (key: string) => { topic: string } | undefined,
  topics: ReadonlySet<string>,
): string[] {
  return keys.filter((key) => {
    const mark = markOf(key);
    return mark !== undefined && !topics.has(mark.topic);
  });
}

/** Index members whose job key no longer exists (the job expired from the view). */
export function orphanedMembers(members: readonly string[], exists: readonly boolean[]): string[] {
  return members.filter((_, index) => exists[index] === false);
}

/** Consumer groups with one of the reader prefixes that have no members: throwaway groups left behind. */
export function emptyReaderGroups(
  groups: readonly { groupId: string; state: string }[],
  readerPrefixes: readonly string[],
): string[] {
  return groups
    .filter(({ groupId, state }) => state === 'Empty' && readerPrefixes.some((prefix) => groupId.startsWith(prefix)))
    .map(({ groupId }) => groupId);
}

export interface StoredFile {
  name: string;
  sizeBytes: number;
  /** Last modification, ms since the epoch. */
  modifiedAtMs: number;
}

/** Files older than the retention. */
export function expiredFiles(files: readonly StoredFile[], nowMs: number, retentionMs: number): StoredFile[] {
  return files.filter((file) => nowMs - file.modifiedAtMs > retentionMs);
}
