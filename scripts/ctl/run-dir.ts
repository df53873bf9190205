/**
 * Where `ctl` keeps its local state: `$SEDANO_RUN_DIR`, else `.sedano/` in the repository
 * (git-ignored). `services/<name>/` holds each background service's pid file and log,
 * `admin-token` the local admin token (0600), `up.json` what `up` started.
 */
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export function runDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['SEDANO_RUN_DIR'] ?? join(ROOT, '.sedano');
}

export function adminTokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(runDir(env), 'admin-token');
}

export function servicesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(runDir(env), 'services');
}

/** The repository root (services run with it as their working directory). */
export const REPO_ROOT = ROOT;
