import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_DOCUMENT_LIMITS,
  resolveDocumentLimits,
  type DocumentLimitsOptions,
} from '../../../../../services/indexer/documents/limits.ts';

test('defaults apply where an option is absent or undefined', () => {
  assert.deepEqual(resolveDocumentLimits(), DEFAULT_DOCUMENT_LIMITS);
  assert.deepEqual(resolveDocumentLimits({ maxPdfPages: 10, maxSheetCells: undefined }), {
    ...DEFAULT_DOCUMENT_LIMITS,
    maxPdfPages: 10,
  });
  assert.equal(DEFAULT_DOCUMENT_LIMITS.maxFileBytes, 50 * 1024 * 1024);
  assert.ok(Object.isFrozen(resolveDocumentLimits()));
});

test('every invalid or unknown option is reported at once, with its path', () => {
  const options = {
    maxFileBytes: 0,
    maxPdfPages: 1.5,
    maxArchiveCompressionRatio: 0.5,
    maxPages: 3,
  } as DocumentLimitsOptions;
  assert.throws(
    () => resolveDocumentLimits(options),
    (error: Error) =>
      error instanceof RangeError &&
      ['/maxFileBytes', '/maxPdfPages', '/maxArchiveCompressionRatio', 'unknown option(s) maxPages'].every((part) =>
        error.message.includes(part),
      ),
  );
});
