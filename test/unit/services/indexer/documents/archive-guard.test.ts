import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSedanoError } from '../../../../../services/lib/errors.ts';
import { inspectArchive } from '../../../../../services/indexer/documents/archive-guard.ts';
import { resolveDocumentLimits } from '../../../../../services/indexer/documents/limits.ts';
import { manyEntries, SAMPLES, zipBomb } from './fixtures.ts';

function fails(code: string, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isSedanoError(error), `a SedanoError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

test('a real DOCX and XLSX pass with their central directory summarised', async () => {
  const docx = await inspectArchive(readFileSync(join(SAMPLES, 'en-memo.docx')), resolveDocumentLimits());
  assert.ok(docx.entryNames.includes('word/document.xml'));
  assert.ok(docx.uncompressedBytes > docx.compressedBytes && docx.entries === docx.entryNames.length);
  const xlsx = await inspectArchive(readFileSync(join(SAMPLES, 'it-ledger.xlsx')), resolveDocumentLimits());
  assert.ok(xlsx.entryNames.includes('xl/workbook.xml'));
});

test('a highly compressed entry is a bomb by compression ratio, read from the directory without inflating', async () => {
  const bomb = await zipBomb(20 * 1024 * 1024);
  assert.ok(bomb.byteLength < 100 * 1024, `the bomb is small on disk (${bomb.byteLength} bytes)`);
  const before = process.memoryUsage().arrayBuffers;
  await assert.rejects(
    inspectArchive(bomb, resolveDocumentLimits()),
    fails('SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB', /compression ratio of \d+.*above the limit of 100/),
  );
  // Inflating would have allocated the 20 MiB entry.
  assert.ok(process.memoryUsage().arrayBuffers - before < 10 * 1024 * 1024);
});

test('a total uncompressed size over the limit is a bomb', async () => {
  const bomb = await zipBomb(2 * 1024 * 1024);
  await assert.rejects(
    inspectArchive(
      bomb,
      resolveDocumentLimits({ maxArchiveUncompressedBytes: 1024 * 1024, maxArchiveCompressionRatio: 1e6 }),
    ),
    fails('SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB', /inflates to more than 1048576 bytes/),
  );
});

test('too many entries is a bomb', async () => {
  await assert.rejects(
    inspectArchive(await manyEntries(50), resolveDocumentLimits({ maxArchiveEntries: 20 })),
    fails('SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB', /\d+ entries, more than the limit of 20/),
  );
});

test('bytes that are not a zip, or a truncated zip, are corrupt', async () => {
  await assert.rejects(
    inspectArchive(Buffer.from('not a zip at all'), resolveDocumentLimits()),
    fails('SEDANO_ERR_DOCUMENT_CORRUPT', /not a readable zip/),
  );
  const docx = readFileSync(join(SAMPLES, 'en-memo.docx'));
  await assert.rejects(
    inspectArchive(docx.subarray(0, docx.byteLength - 100), resolveDocumentLimits()),
    fails('SEDANO_ERR_DOCUMENT_CORRUPT', /not a readable zip/),
  );
});
