import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SampleExpectation } from '../../../../../scripts/generate-samples.ts';
import { isSedanoError } from '../../../../../services/lib/errors.ts';
import type { DocumentSection } from '../../../../../services/indexer/documents/document-section.ts';
import { resolveDocumentLimits, type DocumentLimitsOptions } from '../../../../../services/indexer/documents/limits.ts';
import { loadDocument } from '../../../../../services/indexer/documents/load-document.ts';
import { longPdf, replaceEntry, SAMPLES, tempDir, writeFixture, zipBomb } from './fixtures.ts';

const manifest = JSON.parse(readFileSync(join(SAMPLES, 'manifest.json'), 'utf8')) as SampleExpectation[];

async function sectionsOf(path: string, contentType: string | null = null, limits: DocumentLimitsOptions = {}) {
  const document = await loadDocument(path, contentType, resolveDocumentLimits(limits));
  const sections: DocumentSection[] = [];
  for await (const section of document.sections) sections.push(section);
  return { document, sections };
}

function fails(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isSedanoError(error), `a SedanoError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.retriable, false);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

test('the sample corpus has an English and an Italian document of every format', () => {
  for (const language of ['en', 'it']) {
    const formats = manifest.filter((sample) => sample.language === language).map((sample) => sample.format);
    assert.deepEqual(formats.sort(), ['csv', 'docx', 'html', 'markdown', 'pdf', 'text', 'xlsx']);
  }
});

for (const sample of manifest) {
  test(`${sample.file}: finds the sentence with its ${sample.page ? 'page' : sample.sheet ? 'sheet and rows' : sample.row ? 'rows' : sample.heading ? 'heading' : 'text'}`, async () => {
    const path = join(SAMPLES, sample.file);
    const { document, sections } = await sectionsOf(path);
    assert.equal(document.format, sample.format);
    assert.equal(document.contentHash, createHash('sha256').update(readFileSync(path)).digest('hex'));
    assert.ok(
      sections.every((section) => section.text.trim() !== ''),
      'no blank sections',
    );
    const holding = sections.filter((section) => section.text.includes(sample.sentence));
    assert.equal(holding.length, 1, `one section holds "${sample.sentence}"`);
    const [section] = holding as [DocumentSection];
    if (sample.page !== undefined) {
      assert.equal(section.page, sample.page);
      assert.deepEqual(
        sections.map((each) => each.page),
        [1, 2, 3],
      );
    }
    if (sample.sheet !== undefined) assert.equal(section.sheet, sample.sheet);
    if (sample.row !== undefined) {
      assert.ok(section.rows, 'the section has a row range');
      assert.ok(
        section.rows[0] <= sample.row && sample.row <= section.rows[1],
        `row ${sample.row} in ${section.rows.join('-')}`,
      );
    }
    if (sample.heading !== undefined) assert.equal(section.heading, sample.heading);
  });
}

test('HTML: script and style content is never indexed', async () => {
  const { sections } = await sectionsOf(join(SAMPLES, 'en-page.html'));
  const text = sections.map((section) => section.text).join('\n');
  assert.doesNotMatch(text, /scriptdecoy|stylesheetdecoy/);
});

test('XLSX: every sheet is read, with its name; formulas give their result', async () => {
  const { sections } = await sectionsOf(join(SAMPLES, 'en-ledger.xlsx'));
  assert.deepEqual([...new Set(sections.map((section) => section.sheet))], ['Summary', 'Inventory']);
  assert.match(sections[0]?.text ?? '', /Revenue \| 120 \| 135 \| 148\.5/);
});

test('the loader follows the content type, then the extension, then the first bytes', async (t) => {
  const dir = tempDir(t);
  const markdown = readFileSync(join(SAMPLES, 'en-notes.md'));
  const asText = await sectionsOf(writeFixture(dir, 'notes.md', markdown), 'text/plain; charset=utf-8');
  assert.equal(asText.document.format, 'text');
  const noExtension = await sectionsOf(writeFixture(dir, 'report', readFileSync(join(SAMPLES, 'it-report.pdf'))));
  assert.equal(noExtension.document.format, 'pdf');
  const docxNoExtension = await sectionsOf(writeFixture(dir, 'memo', readFileSync(join(SAMPLES, 'it-memo.docx'))));
  assert.equal(docxNoExtension.document.format, 'docx');
  const htmlNoExtension = await sectionsOf(writeFixture(dir, 'page', readFileSync(join(SAMPLES, 'en-page.html'))));
  assert.equal(htmlNoExtension.document.format, 'html');
  const latin1 = await sectionsOf(writeFixture(dir, 'old.txt', Buffer.from('Città di Perché', 'latin1')));
  assert.equal(latin1.sections[0]?.text, 'Città di Perché');
});

test('corrupt PDF, DOCX and XLSX files fail with SEDANO_ERR_DOCUMENT_CORRUPT', async (t) => {
  const dir = tempDir(t);
  const pdf = writeFixture(dir, 'broken.pdf', `%PDF-1.7\n${'garbage '.repeat(200)}`);
  await assert.rejects(sectionsOf(pdf), fails('SEDANO_ERR_DOCUMENT_CORRUPT', /PDF could not be parsed/));
  for (const sample of ['en-memo.docx', 'en-ledger.xlsx']) {
    const bytes = readFileSync(join(SAMPLES, sample));
    const truncated = writeFixture(dir, `truncated-${sample}`, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
    await assert.rejects(sectionsOf(truncated), fails('SEDANO_ERR_DOCUMENT_CORRUPT'));
  }
  const brokenXml = await replaceEntry(
    readFileSync(join(SAMPLES, 'en-memo.docx')),
    'word/document.xml',
    '<w:document a="',
  );
  await assert.rejects(
    sectionsOf(writeFixture(dir, 'broken-xml.docx', brokenXml)),
    fails('SEDANO_ERR_DOCUMENT_CORRUPT', /DOCX could not be parsed/),
  );
  const notPdf = writeFixture(dir, 'text.pdf', 'just some text');
  await assert.rejects(sectionsOf(notPdf), fails('SEDANO_ERR_DOCUMENT_CORRUPT', /declared PDF/));
  const docxAsXlsx = writeFixture(dir, 'memo.xlsx', readFileSync(join(SAMPLES, 'en-memo.docx')));
  await assert.rejects(sectionsOf(docxAsXlsx), fails('SEDANO_ERR_DOCUMENT_CORRUPT', /declared XLSX/));
  const binaryText = writeFixture(dir, 'binary.txt', Buffer.from([0x41, 0x00, 0x42]));
  await assert.rejects(sectionsOf(binaryText), fails('SEDANO_ERR_DOCUMENT_CORRUPT', /binary content/));
});

test('unsupported formats fail with SEDANO_ERR_DOCUMENT_UNSUPPORTED', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(
    sectionsOf(writeFixture(dir, 'legacy.doc', 'x'), 'application/msword'),
    fails('SEDANO_ERR_DOCUMENT_UNSUPPORTED', /application\/msword/),
  );
  await assert.rejects(
    sectionsOf(writeFixture(dir, 'program.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]))),
    fails('SEDANO_ERR_DOCUMENT_UNSUPPORTED'),
  );
  const zip = writeFixture(dir, 'bundle', await zipBomb(1000));
  await assert.rejects(
    sectionsOf(zip, null, { maxArchiveCompressionRatio: 1e6 }),
    fails('SEDANO_ERR_DOCUMENT_CORRUPT'),
  );
});

test('limits: file bytes, PDF pages and sheet cells fail with SEDANO_ERR_DOCUMENT_TOO_LARGE', async (t) => {
  const dir = tempDir(t);
  const oversize = writeFixture(dir, 'big.txt', 'x'.repeat(5000));
  await assert.rejects(
    sectionsOf(oversize, null, { maxFileBytes: 4096 }),
    fails('SEDANO_ERR_DOCUMENT_TOO_LARGE', /5000 bytes/),
  );
  await assert.rejects(
    sectionsOf(join(SAMPLES, 'en-report.pdf'), null, { maxPdfPages: 2 }),
    fails('SEDANO_ERR_DOCUMENT_TOO_LARGE', /3 pages/),
  );
  await assert.rejects(
    sectionsOf(join(SAMPLES, 'en-ledger.xlsx'), null, { maxSheetCells: 10 }),
    fails('SEDANO_ERR_DOCUMENT_TOO_LARGE', /maxSheetCells/),
  );
  await assert.rejects(
    sectionsOf(join(SAMPLES, 'en-log.csv'), null, { maxSheetCells: 10 }),
    fails('SEDANO_ERR_DOCUMENT_TOO_LARGE', /maxSheetCells/),
  );
});

test('a DOCX zip bomb fails with SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB before it is parsed', async (t) => {
  const bomb = writeFixture(tempDir(t), 'bomb.docx', await zipBomb(20 * 1024 * 1024));
  await assert.rejects(sectionsOf(bomb), fails('SEDANO_ERR_DOCUMENT_ARCHIVE_BOMB'));
});

test('a 500-page PDF is read page by page: 500 sections, numbered 1 to 500', async (t) => {
  const path = writeFixture(tempDir(t), 'long.pdf', await longPdf(500));
  const document = await loadDocument(path, null, resolveDocumentLimits());
  let expected = 1;
  for await (const section of document.sections) {
    assert.equal(section.page, expected);
    assert.ok(section.text.startsWith(`Page ${expected} of the long report.`));
    expected += 1;
  }
  assert.equal(expected - 1, 500);
  // Memory is measured apart from the suite: measure-pdf-memory.ts next to this file.
});
