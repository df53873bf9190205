/**
 * Rolls over a log that another process keeps appending to: a service's output under `ctl up`,
 * which its supervisor checks (supervise.ts). The service holds the file open (O_APPEND, from
 * processes.ts's startDetached) and would follow a rename, so the file stays where it is: its
 * bytes are copied to `<file>.1` and it is truncated, as logrotate's `copytruncate` does. Bytes
 * appended while it is copied are copied too; only what is written between the last read and the
 * truncate, an instant, is lost. The older parts move up to `<file>.<keep>`; the oldest goes.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  ftruncateSync,
} from 'node:fs';

export interface LogRollPolicy {
  /** A log this large (bytes) or larger is rolled over. */
  maxBytes: number;
  /** How many rolled parts are kept beside the current file. */
  keep: number;
}

const CHUNK_BYTES = 1 << 20;

/** Rolls `file` over if it has reached `maxBytes`; returns how many bytes moved to `<file>.1` (0: none). */
export function rollLog(file: string, { maxBytes, keep }: LogRollPolicy): number {
  if (!existsSync(file) || statSync(file).size < maxBytes) return 0;
  rmSync(`${file}.${keep}`, { force: true });
  for (let part = keep - 1; part >= 1; part -= 1) {
    if (existsSync(`${file}.${part}`)) renameSync(`${file}.${part}`, `${file}.${part + 1}`);
  }
  const source = openSync(file, 'r+');
  const target = openSync(`${file}.1`, 'w');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let copied = 0;
    // Read to the end as it is now, including what the writer adds meanwhile, then truncate at once.
    for (let read = readSync(source, chunk, 0, CHUNK_BYTES, copied); read > 0;) {
      writeSync(target, chunk, 0, read);
      copied += read;
      read = readSync(source, chunk, 0, CHUNK_BYTES, copied);
    }
    ftruncateSync(source, 0);
    return copied;
  } finally {
    closeSync(source);
    closeSync(target);
  }
}
