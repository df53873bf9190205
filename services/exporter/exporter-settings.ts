/**
 * The export stage's settings from environment-style variables (pure: the caller passes
 * `process.env`). The exporter's main.ts resolves them once at start-up to fail fast on a bad
 * value; each worker thread resolves them again for its own storage and Redis connection
 * (threads get a copy of the process's environment), as the indexer's threads do.
 *
 * | variable | default | meaning |
 * | SEDANO_EXPORT_DIR | `<repo>/.sedano/data/exports` | absolute directory the reports are stored in |
 * | SEDANO_EXPORT_RETENTION_HOURS | 168 | age after which the maintenance cleanup removes a report |
 * | SEDANO_EXPORT_MAX_TABLE_ROWS | 20000 | table rows one report may hold |
 * | SEDANO_STATUS_VIEW_NAMESPACE | `status` | status view read for `analysisJobId` (`sedano:<namespace>:` keys) |
 * | REDIS_URL | see endpoints.ts | the status view's Redis |
 */
import { isAbsolute } from 'node:path';
import { type ExporterOptions, resolveExporterOptions, type ResolvedExporterOptions } from './exporter-options.ts';

/** The default directory of stored reports: `.sedano/data/exports` in the repository (git ignores it). */
export const DEFAULT_EXPORT_DIR = new URL('../../.sedano/data/exports', import.meta.url).pathname;

export interface ExporterSettings {
  options: ResolvedExporterOptions;
  /** Namespace of the status view the analysis results are read from. */
  statusViewNamespace: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

function wholeNumber(env: Environment, name: string, problems: string[]): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) === 0) {
    problems.push(`${name}: expected a whole number above 0, got "${text}"`);
    return undefined;
  }
  return Number(text);
}

/** Reads and validates the settings; throws a RangeError naming every problem at once. */
export function resolveExporterSettings(env: Environment): ExporterSettings {
  const problems: string[] = [];
  const exportDir = env['SEDANO_EXPORT_DIR']?.trim() || DEFAULT_EXPORT_DIR;
  if (!isAbsolute(exportDir)) problems.push(`SEDANO_EXPORT_DIR: "${exportDir}" is not an absolute path`);
  const retentionHours = wholeNumber(env, 'SEDANO_EXPORT_RETENTION_HOURS', problems);
  const maxTableRows = wholeNumber(env, 'SEDANO_EXPORT_MAX_TABLE_ROWS', problems);
  const statusViewNamespace = env['SEDANO_STATUS_VIEW_NAMESPACE']?.trim() || 'status';
  if (!/^[\w.-]+$/.test(statusViewNamespace)) {
    problems.push(
      `SEDANO_STATUS_VIEW_NAMESPACE: "${statusViewNamespace}" has characters other than letters, digits, . _ -`,
    );
  }
  if (problems.length > 0) throw new RangeError(`invalid exporter settings: ${problems.join('; ')}`);
  const options: ExporterOptions = { exportDir };
  if (retentionHours !== undefined) options.retentionMs = retentionHours * 3_600_000;
  if (maxTableRows !== undefined) options.maxTableRows = maxTableRows;
  return { options: resolveExporterOptions(options), statusViewNamespace };
}
