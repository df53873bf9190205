import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { resolveDocumentLimits } from '../../../../../../services/indexer/documents/limits.ts';
import { loadXlsx } from '../../../../../../services/indexer/documents/loaders/xlsx.ts';

async function sectionsOf(bytes: Uint8Array, limits = resolveDocumentLimits()) {
  const all = [];
  for await (const section of loadXlsx(bytes, limits)) all.push(section);
  return all;
}

async function workbookBytes(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const summary = workbook.addWorksheet('Summary');
  summary.addRow(['Item', 'Q1', 'Total']);
  summary.addRow(['Revenue', 120, { formula: 'B2*2', result: 240 }]);
  summary.addRow([{ richText: [{ text: 'Mar', font: { bold: true } }, { text: 'gin' }] }, true, { error: '#N/A' }]);
  summary.getCell('A5').value = { text: 'the site', hyperlink: 'https://example.org' };
  summary.getCell('D5').value = 'far right';
  const notes = workbook.addWorksheet('Notes');
  notes.addRow(['shared text']);
  notes.addRow(['shared text']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

test('sheets in workbook order with their names; each cell as it shows, gaps empty', async () => {
  const sections = await sectionsOf(await workbookBytes());
  assert.deepEqual(sections, [
    {
      text: 'Item | Q1 | Total\nRevenue | 120 | 240\nMargin | true | #N/A\nthe site |  |  | far right',
      rows: [1, 5],
      sheet: 'Summary',
    },
    { text: 'shared text\nshared text', rows: [1, 2], sheet: 'Notes' },
  ]);
});

test('a worksheet part no sheet names is read too, unnamed; a workbook without its shared strings reads the rest', async () => {
  const zip = await JSZip.loadAsync(await workbookBytes());
  zip.file(
    'xl/worksheets/sheet9.xml',
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
      '<row r="1"><c r="A1" t="inlineStr"><is><t>orphan</t></is></c></row></sheetData></worksheet>',
  );
  const sections = await sectionsOf(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
  assert.deepEqual(sections.at(-1), { text: 'orphan', rows: [1, 1] });

  zip.remove('xl/sharedStrings.xml');
  const withoutShared = await sectionsOf(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
  // The shared strings' cells are empty then; numbers and inline strings remain.
  assert.ok(withoutShared[0]?.text.startsWith(' | 120 | 240\n'));
  assert.ok(withoutShared.some((section) => section.text === 'orphan'));
});

test('malformed worksheet XML fails the workbook; the cell limit covers every sheet', async () => {
  const zip = await JSZip.loadAsync(await workbookBytes());
  zip.file(
    'xl/worksheets/sheet2.xml',
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"></c></sheetData></worksheet>',
  );
  await assert.rejects(sectionsOf(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' })));
  await assert.rejects(
    sectionsOf(await workbookBytes(), resolveDocumentLimits({ maxSheetCells: 12 })),
    (error: Error & { code?: string }) => error.code === 'SEDANO_ERR_DOCUMENT_TOO_LARGE',
  );
  assert.equal((await sectionsOf(await workbookBytes(), resolveDocumentLimits({ maxSheetCells: 13 }))).length, 2);
});

test('a date cell shows its date, and its date and time when its format has a time', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Periods');
  sheet.addRow(['Closing', new Date(Date.UTC(2024, 2, 31)), new Date(Date.UTC(2024, 5, 30, 14, 30))]);
  sheet.getCell('C1').numFmt = 'yyyy-mm-dd hh:mm';
  sheet.addRow(['Revenue', 1500000, 1650000.5]);
  const sections = await sectionsOf(new Uint8Array(await workbook.xlsx.writeBuffer()));
  assert.deepEqual(sections, [
    {
      text: 'Closing | 2024-03-31 | 2024-06-30T14:30:00\nRevenue | 1500000 | 1650000.5',
      rows: [1, 2],
      sheet: 'Periods',
    },
  ]);
});
