// Regression: exceljs read a worksheet whose XML breaks off up to the break, without an error,
// so its other rows were lost silently. Such a workbook now fails as corrupt.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveDocumentLimits } from '../../../../../../services/indexer/documents/limits.ts';
import { loadDocument } from '../../../../../../services/indexer/documents/load-document.ts';
import { inspectWorksheetParts } from '../../../../../../services/indexer/documents/loaders/xlsx-integrity.ts';
import { replaceEntry, SAMPLES, tempDir, writeFixture } from '../fixtures.ts';

const ledger = new Uint8Array(readFileSync(join(SAMPLES, 'en-ledger.xlsx')));

async function sections(path: string) {
  const loaded = await loadDocument(path, null, resolveDocumentLimits());
  const all = [];
  for await (const section of loaded.sections) all.push(section);
  return all;
}

test('a sound workbook: every worksheet part is complete, every row is read', async (t) => {
  const parts = await inspectWorksheetParts(ledger);
  assert.deepEqual(parts.parts.sort(), ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']);
  assert.deepEqual(parts.incomplete, []);
  const path = writeFixture(tempDir(t), 'ledger.xlsx', ledger);
  assert.ok((await sections(path)).some((section) => section.sheet === 'Inventory'));
});

const BROKEN: [string, string][] = [
  ['truncated inside a row', '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r='],
  [
    'missing its closing tag',
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Hello</t></is></c></row></sheetData>',
  ],
];

for (const [name, xml] of BROKEN) {
  test(`a worksheet ${name} fails the document as corrupt, naming the part`, async (t) => {
    const broken = await replaceEntry(ledger, 'xl/worksheets/sheet2.xml', xml);
    assert.deepEqual((await inspectWorksheetParts(broken)).incomplete, ['xl/worksheets/sheet2.xml']);
    const path = writeFixture(tempDir(t), 'broken.xlsx', broken);
    await assert.rejects(sections(path), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SEDANO_ERR_DOCUMENT_CORRUPT');
      assert.match(error.message, /xl\/worksheets\/sheet2\.xml breaks off/);
      return true;
    });
  });
}
