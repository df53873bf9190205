import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutOverlap } from '../../../../services/analyzer/read-sections.ts';

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
