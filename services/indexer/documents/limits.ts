/**
 * Per-document limits of the indexing stage: how large a file, how many PDF pages, how many
 * spreadsheet cells and how much a DOCX/XLSX archive may inflate to before the document fails
 * with SEDANO_ERR_DOCUMENT_TOO_LARGE or SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB. Pure: one options
 * object in, validated limits out.
 */
import Type from 'typebox';
import { optionsProblems, withoutUndefined } from '../../lib/options.ts';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits, type DocumentLimitsOptions } from './default-limits.ts';

export { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits, type DocumentLimitsOptions } from './default-limits.ts';

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
