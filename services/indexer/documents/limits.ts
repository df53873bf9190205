/**
 * Per-document limits of the indexing stage: how large a file, how many PDF pages, how many
 * spreadsheet cells and how much a DOCX/XLSX archive may inflate to before the document fails
 * with SEDANO_ERR_DOCUMENT_TOO_LARGE or SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB. Pure: one options
 * object in, validated limits out.
 */
import Type from 'typebox';
import { optionsProblems, withoutUndefined } from '../../lib/options.ts';

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

const positiveInteger = Type.Optional(Type.Integer({ minimum: 1 }));

const DocumentLimitsSchema = Type.Object(
  {
    maxFileBytes: positiveInteger,
    maxPdfPages: positiveInteger,
    maxSheetCells: positiveInteger,
    maxArchiveUncompressedBytes: positiveInteger,
    maxArchiveCompressionRatio: Type.Optional(Type.Number({ minimum: 1 })),
    maxArchiveEntries: positiveInteger,
  },
  { additionalProperties: false },
);

/**
 * Applies the defaults to `options` and validates the result. Throws a RangeError naming every
 * invalid or unknown option at once (`/maxPdfPages: must be >= 1`).
 */
export function resolveDocumentLimits(options: DocumentLimitsOptions = {}): DocumentLimits {
  const problems = optionsProblems(DocumentLimitsSchema, options);
  if (problems.length > 0) throw new RangeError(`invalid document limits: ${problems.join('; ')}`);
  return Object.freeze({ ...DEFAULT_DOCUMENT_LIMITS, ...withoutUndefined(options) });
}
