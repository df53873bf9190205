/**
 * Loads one document for indexing: checks its size, hashes its bytes, picks its loader and
 * checks DOCX/XLSX archives against decompression bombs, all before any parsing; then hands
 * back the sections as an AsyncIterable that parses as it is read.
 *
 * Sections are yielded rather than returned so that a long PDF is parsed one page at a time
 * and the caller can chunk, embed and write each page before the next is read. The content
 * hash comes first, so an unchanged document is skipped without being parsed at all.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isSedanoError, SedanoError } from '../../lib/errors.ts';
import { inspectArchive } from './archive-guard.ts';
import { detectFormat, officeFormat, type DocumentFormat } from './detect-format.ts';
import type { DocumentSection } from './document-section.ts';
import type { DocumentLimits } from './limits.ts';
import { loaderFor } from './loader-registry.ts';

/** A document whose bytes passed every pre-parse check. */
export interface LoadedDocument {
  format: DocumentFormat;
  /** Size of the file, in bytes. */
  byteLength: number;
  /** Hex SHA-256 of the file's bytes. */
  contentHash: string;
  /**
   * The document's sections, parsed as they are iterated (iterate once). Parsing failures
   * throw SEDANO_ERR_DOCUMENT_CORRUPT or SEDANO_ERR_DOCUMENT_TOO_LARGE from the iteration.
   */
  sections: AsyncIterable<DocumentSection>;
}

/**
 * Loads the file at `path` (already resolved inside a document root) with declared
 * `contentType` (null: guessed from the extension and first bytes). Throws a SedanoError with
 * a SEDANO_ERR_DOCUMENT_* code for a missing, oversize, unsupported, corrupt or bomb file.
 */
export async function loadDocument(
  path: string,
  contentType: string | null,
  limits: DocumentLimits,
): Promise<LoadedDocument> {
  const bytes = await readWithinLimit(path, limits);
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const detected = detectFormat(path, contentType, bytes);
  const format =
    detected === 'zip' || detected === 'docx' || detected === 'xlsx'
      ? await officeArchive(bytes, detected, limits)
      : detected;
  // Imported before the parse starts: an import that fails is the worker's problem (retriable), not the document's.
  const loader = await loaderFor(format);
  return {
    format,
    byteLength: bytes.byteLength,
    contentHash,
    sections: asDocumentErrors(loader(bytes, limits), format),
  };
}

/** Checks the archive against bombs, and that it is the office format it claims (or any, for `zip`). */
async function officeArchive(
  bytes: Uint8Array,
  declared: 'zip' | 'docx' | 'xlsx',
  limits: DocumentLimits,
): Promise<'docx' | 'xlsx'> {
  const archive = await inspectArchive(bytes, limits);
  const inside = officeFormat(archive.entryNames);
  if (inside === undefined && declared === 'zip') {
    throw new SedanoError('SEDANO_ERR_DOCUMENT_UNSUPPORTED', 'a zip archive that is neither DOCX nor XLSX', {
      retriable: false,
    });
  }
  if (inside === undefined || (declared !== 'zip' && inside !== declared)) {
    throw new SedanoError(
      'SEDANO_ERR_DOCUMENT_CORRUPT',
      `declared ${declared.toUpperCase()}, but the archive is not one`,
      {
        retriable: false,
      },
    );
  }
  return inside;
}

async function readWithinLimit(path: string, limits: DocumentLimits): Promise<Uint8Array> {
  const info = await stat(path).catch((error: unknown) => {
    throw new SedanoError('SEDANO_ERR_DOCUMENT_NOT_FOUND', `cannot read ${path}: ${(error as Error).message}`, {
      retriable: false,
      cause: error,
    });
  });
  if (!info.isFile()) {
    throw new SedanoError('SEDANO_ERR_DOCUMENT_NOT_FOUND', `${path} is not a regular file`, { retriable: false });
  }
  if (info.size > limits.maxFileBytes) {
    throw new SedanoError(
      'SEDANO_ERR_DOCUMENT_TOO_LARGE',
      `the file has ${info.size} bytes, more than the limit of ${limits.maxFileBytes} (maxFileBytes)`,
      { retriable: false },
    );
  }
  const bytes = await readFile(path);
  // The file may have grown between stat and read.
  if (bytes.byteLength > limits.maxFileBytes) {
    throw new SedanoError(
      'SEDANO_ERR_DOCUMENT_TOO_LARGE',
      `the file grew past ${limits.maxFileBytes} bytes while read`,
      {
        retriable: false,
      },
    );
  }
  return bytes;
}

/** Parser failures (whatever the library throws) become SEDANO_ERR_DOCUMENT_CORRUPT with its message. */
async function* asDocumentErrors(
  sections: AsyncIterable<DocumentSection>,
  format: DocumentFormat,
): AsyncGenerator<DocumentSection> {
  try {
    yield* sections;
  } catch (error) {
    if (isSedanoError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SedanoError(
      'SEDANO_ERR_DOCUMENT_CORRUPT',
      `the ${format.toUpperCase()} could not be parsed: ${message}`,
      {
        retriable: false,
        cause: error,
      },
    );
  }
}
