import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkingFraction, indexingProgressReport } from '../../../../services/indexer/indexing-progress.ts';

const state = { currentDocument: 'a.pdf', documentsDone: 2, documentsTotal: 4, chunksWritten: 17, fraction: 0.5 };

test('current and total are thousandths of a document, done plus the fraction of the current one', () => {
  const report = indexingProgressReport(state, 'embedding a.pdf');
  assert.equal(report.current, 2500);
  assert.equal(report.total, 4000);
  assert.equal(report.message, 'embedding a.pdf');
  assert.deepEqual(report.details, {
    'sedano.IndexingProgress': { currentDocument: 'a.pdf', documentsDone: 2, documentsTotal: 4, chunksWritten: 17 },
  });
});

test('the fraction is clamped to [0, 1] and the total never passes documentsTotal', () => {
  assert.equal(indexingProgressReport({ ...state, fraction: 7 }, '').current, 3000);
  assert.equal(indexingProgressReport({ ...state, fraction: -1 }, '').current, 2000);
  assert.equal(indexingProgressReport({ ...state, documentsDone: 4, fraction: 0.5 }, '').current, 4000);
  assert.deepEqual(
    [indexingProgressReport({ ...state, documentsDone: 0, documentsTotal: 0, fraction: 0 }, '')].map((r) => [
      r.current,
      r.total,
    ]),
    [[0, 0]],
  );
});

test('the chunking fraction follows characters over bytes, capped below 1 until the chunks are written', () => {
  assert.equal(chunkingFraction(250, 1000), 0.25);
  assert.equal(chunkingFraction(5000, 1000), 0.9);
  assert.equal(chunkingFraction(10, 0), 0);
});
