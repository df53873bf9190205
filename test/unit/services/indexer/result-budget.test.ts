// result-budget.ts: an indexing result's lists cut to a size budget, the rest counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexingResult } from '../../../../schemas/indexing-result.ts';
import { jobStatusEventContract } from '../../../../schemas/job-status-event.ts';
import { RESULT_LISTS_MAX_BYTES, withinBudget } from '../../../../services/indexer/result-budget.ts';
import { jobStatusEventSample } from '../../schemas/samples.ts';

function result(indexed: number, unchanged: number, failed: number, sourceChars = 120): IndexingResult {
  const source = (i: number) => `uploads/${String(i).padStart(6, '0')}-${'x'.repeat(sourceChars)}.pdf`;
  return {
    collection: 'archive',
    indexed: Array.from({ length: indexed }, (_, i) => ({
      documentId: `doc-${i}`,
      source: source(i),
      chunks: 12,
      contentHash: 'a'.repeat(64),
    })),
    unchanged: Array.from({ length: unchanged }, (_, i) => ({
      documentId: `same-${i}`,
      source: source(i),
      reason: 'content hash unchanged',
    })),
    failed: Array.from({ length: failed }, (_, i) => ({
      source: source(i),
      code: 'SEDANO_ERR_DOCUMENT_NOT_FOUND',
      reason: `document "${source(i)}" does not exist (ENOENT)`,
    })),
    chunksWritten: indexed * 12,
    indexedOmitted: 0,
    unchangedOmitted: 0,
    failedOmitted: 0,
  };
}

/** The SUCCESS event's encoded size with this result. */
function successBytes(indexing: IndexingResult): number {
  return jobStatusEventContract.type.toBuffer({
    ...jobStatusEventSample,
    result: { 'sedano.IndexingResult': indexing },
  }).length;
}

test('a result within the budget is left whole', () => {
  const small = result(40, 30, 5);
  assert.deepEqual(withinBudget(small), small);
});

test('a job of 20,000 documents makes a SUCCESS the status topic takes; every document is listed or counted', () => {
  const large = result(12_000, 6_000, 2_000);
  assert.ok(successBytes(large) > 16 * RESULT_LISTS_MAX_BYTES, `uncut: ${successBytes(large)} bytes`);

  const cut = withinBudget(large);
  const bytes = successBytes(cut);
  assert.ok(bytes <= RESULT_LISTS_MAX_BYTES + 2048, `cut: ${bytes} bytes`);
  assert.equal(cut.indexed.length + cut.indexedOmitted, 12_000);
  assert.equal(cut.unchanged.length + cut.unchangedOmitted, 6_000);
  assert.equal(cut.failed.length + cut.failedOmitted, 2_000);
  assert.equal(cut.chunksWritten, large.chunksWritten);
});

test('failed documents are listed first, then indexed, then unchanged, each list in its order', () => {
  const cut = withinBudget(result(3_000, 3_000, 500));
  assert.equal(cut.failedOmitted, 0, 'every failure listed');
  assert.ok(cut.indexed.length > 0 && cut.indexedOmitted > 0, 'indexed cut');
  assert.equal(cut.unchanged.length, 0, 'nothing left for unchanged');
  assert.equal(cut.unchangedOmitted, 3_000);
  assert.deepEqual(
    cut.indexed.map((entry) => entry.documentId),
    Array.from({ length: cut.indexed.length }, (_, i) => `doc-${i}`),
    'the first indexed documents, in order',
  );
});

test('the budget counts bytes, not characters: non-ASCII sources take their UTF-8 length', () => {
  const accented = result(0, 0, 3_000, 0);
  for (const entry of accented.failed) entry.source = entry.source.replace('uploads', 'caricamenti/è'.repeat(20));
  const cut = withinBudget(accented, 64 * 1024);
  const listed = jobStatusEventContract.type.toBuffer({
    ...jobStatusEventSample,
    result: { 'sedano.IndexingResult': { ...cut, failed: [] } },
  }).length;
  assert.ok(cut.failedOmitted > 0);
  assert.ok(successBytes(cut) - listed <= 64 * 1024, `${successBytes(cut) - listed} bytes of failed entries`);
});

test('counts already omitted add up (a result cut twice)', () => {
  const once = withinBudget(result(0, 0, 3_000), 64 * 1024);
  const twice = withinBudget(once, 32 * 1024);
  assert.equal(twice.failed.length + twice.failedOmitted, 3_000);
});
