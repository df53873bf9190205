import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergedSections, withoutOverlap } from '../../../../services/analyzer/read-sections.ts';
import type { StoredChunk } from '../../../../services/indexer/vector-store/port.ts';

test('the text a chunk repeats from the end of the previous one is cut off', () => {
  const previous = 'Revenue was €10 million in 2023. Revenue was €12 million in 2024.';
  assert.equal(
    withoutOverlap(previous, 'Revenue was €12 million in 2024. EBITDA was €3 million.'),
    'EBITDA was €3 million.',
  );
});

test('chunks that do not overlap, or share only a short coincidence, are kept whole', () => {
  assert.equal(withoutOverlap('First part of the text.', 'Second part of the text.'), 'Second part of the text.');
  assert.equal(withoutOverlap('ends with the', 'the start'), 'the start');
  assert.equal(withoutOverlap('abc', ''), '');
});

test('consecutive chunks of one page join into one section; a new page or sheet starts another', async () => {
  const chunk = (
    text: string,
    page: number | null,
    sheet: string | null = null,
    rows: [number, number] | null = null,
  ) =>
    ({
      id: text,
      documentId: 'd',
      documentHash: 'h',
      source: 'd.pdf',
      text,
      page,
      sheet,
      rowFrom: rows?.[0] ?? null,
      rowTo: rows?.[1] ?? null,
      heading: null,
      position: 0,
      contentHash: 'c',
      metadata: {},
    }) satisfies StoredChunk;
  const sections = [];
  for await (const section of mergedSections(
    (async function* () {
      yield chunk('Revenue was', 1);
      yield chunk('€12 million in 2024.', 1);
      yield chunk('Next page.', 2);
      yield chunk('Q1 | Q2', null, 'KPI', [1, 1]);
      yield chunk('Revenue | 1 | 2', null, 'KPI', [2, 2]);
    })(),
  )) {
    sections.push(section);
  }
  assert.deepEqual(sections, [
    { text: 'Revenue was €12 million in 2024.', page: 1, sheet: null, rows: null },
    { text: 'Next page.', page: 2, sheet: null, rows: null },
    { text: 'Q1 | Q2\nRevenue | 1 | 2', page: null, sheet: 'KPI', rows: [1, 2] },
  ]);
});
