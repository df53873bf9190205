import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  chunkSections,
  resolveSplitterOptions,
  splitText,
  type TextSpan,
} from '../../../../../services/indexer/chunking/splitter.ts';

const sentence = (n: number): string => `Sentence number ${n} talks about harbour pilots and freighters.`;
const paragraphs = Array.from({ length: 12 }, (_, p) =>
  Array.from({ length: 6 }, (_, s) => sentence(p * 6 + s)).join(' '),
).join('\n\n');

function texts(text: string, spans: TextSpan[]): string[] {
  return spans.map((span) => text.slice(span.start, span.end));
}

test('defaults are 1000/200; invalid options are all reported at once', () => {
  assert.deepEqual(resolveSplitterOptions(), { chunkSize: 1000, chunkOverlap: 200 });
  assert.deepEqual(resolveSplitterOptions({ chunkSize: 100 }), { chunkSize: 100, chunkOverlap: 20 });
  assert.throws(
    () => resolveSplitterOptions({ chunkSize: 0, chunkOverlap: -1 }),
    (error: Error) =>
      error instanceof RangeError && /chunkSize/.test(error.message) && /chunkOverlap/.test(error.message),
  );
  assert.throws(() => resolveSplitterOptions({ chunkSize: 100, chunkOverlap: 100 }), /must be below chunkSize/);
});

for (const [chunkSize, chunkOverlap] of [
  [1000, 200],
  [300, 60],
  [120, 30],
  [40, 10],
  [7, 2],
] as const) {
  test(`size ${chunkSize}, overlap ${chunkOverlap}: bounded, never blank, in order, covering every word`, () => {
    const options = resolveSplitterOptions({ chunkSize, chunkOverlap });
    const spans = splitText(paragraphs, options);
    assert.ok(spans.length > 1);
    for (const [index, span] of spans.entries()) {
      const text = paragraphs.slice(span.start, span.end);
      assert.ok(text.length <= chunkSize, `chunk ${index} has ${text.length} characters`);
      assert.ok(text.trim() !== '' && text === text.trim(), `chunk ${index} is trimmed and not blank`);
      const previous = spans[index - 1];
      if (previous) {
        assert.ok(span.start > previous.start && span.end > previous.end, 'chunks move forward');
        assert.ok(previous.end - span.start <= chunkOverlap, 'consecutive chunks share at most the overlap');
      }
    }
    // Every non-space character is in some chunk.
    const covered = new Uint8Array(paragraphs.length);
    for (const span of spans) covered.fill(1, span.start, span.end);
    for (let i = 0; i < paragraphs.length; i += 1) {
      if (!/\s/.test(paragraphs[i] ?? '')) assert.equal(covered[i], 1, `character ${i} is in a chunk`);
    }
  });
}

test('consecutive chunks of a long paragraph overlap, and cut between sentences or words', () => {
  const long = Array.from({ length: 40 }, (_, n) => sentence(n)).join(' ');
  const options = resolveSplitterOptions({ chunkSize: 200, chunkOverlap: 80 });
  const spans = splitText(long, options);
  const chunks = texts(long, spans);
  for (let i = 1; i < spans.length; i += 1) {
    const shared = (spans[i - 1] as TextSpan).end - (spans[i] as TextSpan).start;
    assert.ok(shared > 0, `chunk ${i} overlaps the one before`);
  }
  for (const chunk of chunks) assert.match(chunk, /^Sentence number \d+/, 'chunks start at a sentence');
});

test('prefers paragraph boundaries when paragraphs fit', () => {
  const text = 'First paragraph is short.\n\nSecond paragraph is short too.\n\nThird one.';
  const chunks = texts(text, splitText(text, resolveSplitterOptions({ chunkSize: 35, chunkOverlap: 0 })));
  assert.deepEqual(chunks, ['First paragraph is short.', 'Second paragraph is short too.', 'Third one.']);
});

test('a word longer than the chunk size is cut into characters; surrogate pairs stay whole', () => {
  const text = `short ${'x'.repeat(25)} end`;
  const chunks = texts(text, splitText(text, resolveSplitterOptions({ chunkSize: 10, chunkOverlap: 0 })));
  assert.ok(chunks.every((chunk) => chunk.length <= 10));
  assert.equal(chunks.join('').replaceAll(' ', ''), text.replaceAll(' ', ''));
  const emoji = '😀'.repeat(10);
  const emojiChunks = texts(emoji, splitText(emoji, resolveSplitterOptions({ chunkSize: 5, chunkOverlap: 0 })));
  assert.ok(emojiChunks.every((chunk) => chunk.length <= 5 && chunk.isWellFormed()));
  assert.equal(emojiChunks.join(''), emoji);
});

test('blank text gives no chunks; the same input always gives the same spans', () => {
  const options = resolveSplitterOptions({ chunkSize: 50, chunkOverlap: 10 });
  assert.deepEqual(splitText(' \n\n \t ', options), []);
  assert.deepEqual(splitText(paragraphs, options), splitText(paragraphs, options));
});

test('chunkSections numbers chunks across sections and keeps each section structure and hash', async () => {
  const sections = [
    { text: 'Page one text. '.repeat(10).trim(), page: 1 },
    { text: 'Rows of a sheet', sheet: 'Inventory', rows: [3, 9] as [number, number] },
    { text: 'Under a heading', heading: 'Field notes' },
  ];
  const chunks = [];
  for await (const chunk of chunkSections(
    sections,
    { documentId: 'doc-1', source: 'docs/a.pdf' },
    resolveSplitterOptions({ chunkSize: 60, chunkOverlap: 15 }),
  )) {
    chunks.push(chunk);
  }
  assert.deepEqual(
    chunks.map((chunk) => chunk.index),
    chunks.map((_, index) => index),
  );
  const pageChunks = chunks.filter((chunk) => chunk.sectionIndex === 0);
  assert.ok(pageChunks.length > 1 && pageChunks.every((chunk) => chunk.page === 1));
  const sheetChunk = chunks.find((chunk) => chunk.sectionIndex === 1);
  assert.deepEqual(
    { sheet: sheetChunk?.sheet, rows: sheetChunk?.rows, page: sheetChunk?.page },
    { sheet: 'Inventory', rows: [3, 9], page: undefined },
  );
  assert.equal(chunks.at(-1)?.heading, 'Field notes');
  for (const chunk of chunks) {
    assert.equal(chunk.documentId, 'doc-1');
    assert.equal(chunk.source, 'docs/a.pdf');
    assert.equal(chunk.text, sections[chunk.sectionIndex]?.text.slice(chunk.start, chunk.end));
    assert.equal(chunk.contentHash, createHash('sha256').update(chunk.text).digest('hex'));
  }
});
