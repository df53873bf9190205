/** Where the local stack keeps its cache (shared by clones) and its state (per clone, git-ignored). */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** Downloads and builds: $SEDANO_CACHE_DIR, else $XDG_CACHE_HOME/sedano, else ~/.cache/sedano. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['SEDANO_CACHE_DIR'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'sedano');
}

/** Data, logs and pid files of this clone's stack: $SEDANO_STATE_DIR, else .sedano/stack in the repository. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['SEDANO_STATE_DIR'] ?? join(ROOT, '.sedano', 'stack');
}
