/**
 * Checks a DOCX/XLSX (zip) archive against decompression bombs before any parser inflates
 * it: entry count, total uncompressed bytes and overall compression ratio, all read from the
 * zip's central directory with yauzl, without inflating a single entry.
 *
 * The central directory states sizes; it does not prove them. The stated sizes bound what a
 * well-formed archive inflates to, and the per-file byte limit bounds the compressed side.
 */
import yauzl from 'yauzl';
import { SedanoError } from '../../lib/errors.ts';
import type { DocumentLimits } from './limits.ts';

/** What the central directory of an archive says. */
export interface ArchiveSummary {
  /** Entries in the archive. */
  entries: number;
  /** Sum of the entries' compressed sizes, in bytes. */
  compressedBytes: number;
  /** Sum of the entries' uncompressed sizes, in bytes. */
  uncompressedBytes: number;
  /** Names of the entries, in directory order (used to tell DOCX from XLSX). */
  entryNames: string[];
}

type ArchiveLimits = Pick<
  DocumentLimits,
  'maxArchiveEntries' | 'maxArchiveUncompressedBytes' | 'maxArchiveCompressionRatio'
>;

/**
 * Reads the central directory of the zip in `bytes` and checks it against `limits`. Throws
 * SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB past a limit (stopping at the first entry that crosses
 * it), SEDANO_ERR_DOCUMENT_CORRUPT when the bytes are not a readable zip.
 */
export async function inspectArchive(bytes: Uint8Array, limits: ArchiveLimits): Promise<ArchiveSummary> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      lazyEntries: true,
      decodeStrings: true,
    });
  } catch (error) {
    throw corrupt(error);
  }
  if (zip.entryCount > limits.maxArchiveEntries) {
    zip.close();
    throw bomb(`has ${zip.entryCount} entries, more than the limit of ${limits.maxArchiveEntries}`);
  }
  const summary: ArchiveSummary = { entries: 0, compressedBytes: 0, uncompressedBytes: 0, entryNames: [] };
  try {
    await readCentralDirectory(zip, (entry) => {
      summary.entries += 1;
      summary.compressedBytes += entry.compressedSize;
      summary.uncompressedBytes += entry.uncompressedSize;
      summary.entryNames.push(entry.fileName);
      if (summary.uncompressedBytes > limits.maxArchiveUncompressedBytes) {
        throw bomb(
          `inflates to more than ${limits.maxArchiveUncompressedBytes} bytes (${summary.uncompressedBytes} after ${summary.entries} entries)`,
        );
      }
    });
  } finally {
    zip.close();
  }
  const ratio = summary.uncompressedBytes / Math.max(summary.compressedBytes, 1);
  if (ratio > limits.maxArchiveCompressionRatio) {
    throw bomb(
      `has a compression ratio of ${ratio.toFixed(1)}, above the limit of ${limits.maxArchiveCompressionRatio}`,
    );
  }
  return summary;
}

function readCentralDirectory(zip: yauzl.ZipFile, onEntry: (entry: yauzl.Entry) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        onEntry(entry);
        zip.readEntry();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    zip.on('end', () => resolvePromise());
    zip.on('error', (error: Error) => reject(corrupt(error)));
    zip.readEntry();
  });
}

function bomb(why: string): SedanoError {
  return new SedanoError('SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB', `the archive ${why}`, { retriable: false });
}

function corrupt(error: unknown): SedanoError {
  return new SedanoError('SEDANO_ERR_DOCUMENT_CORRUPT', `not a readable zip archive: ${(error as Error).message}`, {
    retriable: false,
    cause: error,
  });
}
