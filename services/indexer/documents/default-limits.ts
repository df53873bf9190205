/**
 * The indexing stage's per-document limits and their defaults (limits.ts validates a caller's
 * own). Apart from limits.ts so an indexing worker thread, which uses the defaults, never loads
 * the typebox schema that checks them.
 */
/** Limits as a caller writes them; every field is optional and falls back to its default. */
export interface DocumentLimitsOptions {
  /** Largest file read, in bytes. Default 50 MiB. */
  maxFileBytes?: number;
  /** Most pages a PDF may have. Default 2000. */
  maxPdfPages?: number;
  /** Most non-empty cells a spreadsheet (XLSX, CSV) may have, over all its sheets. Default 1,000,000. */
  maxSheetCells?: number;
  /** Most bytes a DOCX/XLSX archive's entries may inflate to in total. Default 200 MiB. */
  maxArchiveUncompressedBytes?: number;
  /** Highest ratio of total uncompressed to total compressed bytes in a DOCX/XLSX archive. Default 100. */
  maxArchiveCompressionRatio?: number;
  /** Most entries a DOCX/XLSX archive may have. Default 10,000. */
  maxArchiveEntries?: number;
}

/** Limits with every default applied. */
export type DocumentLimits = Readonly<Required<DocumentLimitsOptions>>;

const MIB = 1024 * 1024;

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = Object.freeze({
  maxFileBytes: 50 * MIB,
  maxPdfPages: 2000,
  maxSheetCells: 1_000_000,
  maxArchiveUncompressedBytes: 200 * MIB,
  maxArchiveCompressionRatio: 100,
  maxArchiveEntries: 10_000,
});
