/**
 * Where rendered reports are kept: the exporter's port for other services (the gateway's
 * download route), with a local-directory adapter by default (local-directory-storage.ts). Files are named after the job that rendered them, never after
 * anything a user wrote (a title like `../../etc/passwd` stays a title), and written whole or
 * not at all: a reader never sees half a PDF.
 */
import type { Readable } from 'node:stream';
import { SedanoError } from '../../lib/errors.ts';
import { setting } from '../../lib/settings.ts';

/** The default directory of stored reports: `.sedano/data/exports` in the repository (git ignores it). */
export const DEFAULT_EXPORT_DIR = new URL('../../../.sedano/data/exports', import.meta.url).pathname;

/**
 * Where reports are stored: read by the exporter (to write) and the gateway (to serve
 * downloads), so declared once, here, in the exporter's port.
 */
export const exportDirSetting = setting.string('SEDANO_EXPORT_DIR', {
  description: 'absolute directory the export stage stores its PDF reports in (a volume in docker-compose)',
  default: DEFAULT_EXPORT_DIR,
  defaultShown: '`<repo>/.sedano/data/exports`',
  pattern: '^/',
  expected: 'an absolute path',
});

/** How long a stored report is kept: the maintenance stage's cleanup removes older ones. */
export const exportRetentionSetting = setting.duration('SEDANO_EXPORT_RETENTION', {
  description: "how long export files are kept: the maintenance stage's cleanup removes older ones",
  default: '30d',
  bareUnit: 'h',
  minimumMs: 60_000,
});

/** A file once written. */
export interface StoredExport {
  name: string;
  sizeBytes: number;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
  /** Where the file is, as a URI (e.g. `file:///var/lib/sedano/exports/<jobId>.pdf`). */
  uri: string;
}

/** A stored file, as listed for downloads and for the retention cleanup. */
export interface ExportEntry {
  name: string;
  sizeBytes: number;
  /** When it was written, in ms since the epoch. */
  modifiedAtMs: number;
  /** How old it is at the time of the listing, in ms. */
  ageMs: number;
}

export interface ExportStorage {
  /**
   * Writes `source` as `name`: to a temporary name first, renamed once complete, so the file
   * appears whole; writing the same name again (a redelivered job) replaces it whole, leaving
   * one file.
   */
  write(name: string, source: AsyncIterable<Uint8Array>): Promise<StoredExport>;
  /** A stream of the file's bytes and its size; undefined when there is no such file. */
  open(name: string): Promise<{ stream: Readable; sizeBytes: number } | undefined>;
  /** The file's entry; undefined when there is none. */
  stat(name: string, nowMs?: number): Promise<ExportEntry | undefined>;
  /** Every stored file (temporary ones excluded) with its age at `nowMs`. */
  list(nowMs?: number): Promise<ExportEntry[]>;
  /**
   * The retention cleanup: removes files older than `maxAgeMs` and temporary files a killed
   * writer left behind (older than `maxAgeMs` too); answers the names removed.
   */
  removeOlderThan(maxAgeMs: number, nowMs?: number): Promise<string[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stored name of a job's report: `<jobId>.pdf`, from the job id alone. */
export function exportFileName(jobId: string): string {
  // Job ids are uuids (the contract says so); anything else must never reach a path.
  if (!UUID.test(jobId)) {
    throw new SedanoError('SEDANO_ERR_EXPORT_STORAGE_FAILED', `job id ${JSON.stringify(jobId)} is not a uuid`, {
      retriable: false,
    });
  }
  return `${jobId.toLowerCase()}.pdf`;
}

/** True for a name exportFileName could have made. */
export function isExportFileName(name: string): boolean {
  return name.endsWith('.pdf') && UUID.test(name.slice(0, -4));
}
