import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  columnNumber,
  RelationshipsReader,
  SharedStringsReader,
  StylesReader,
  WorkbookReader,
  type WorkbookContext,
  WorksheetRowsReader,
} from '../../../../../../services/indexer/documents/loaders/xlsx-xml.ts';

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';

function rowsOf(
  xml: string,
  sharedStrings: string[] = [],
  chunk = xml.length,
  dates: Pick<WorkbookContext, 'dateStyles' | 'date1904'> = { dateStyles: new Map(), date1904: false },
) {
  const reader = new WorksheetRowsReader({ sharedStrings, ...dates });
  const rows = [];
  for (let at = 0; at < xml.length; at += chunk) {
    reader.write(xml.slice(at, at + chunk));
    rows.push(...reader.take());
  }
  reader.end();
  rows.push(...reader.take());
  return rows;
}

test('worksheet rows: each cell type gives the text it shows', () => {
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>` +
    '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1"><v>148.5</v></c><c r="C1" t="b"><v>1</v></c>' +
    '<c r="D1" t="b"><v>0</v></c><c r="E1" t="e"><v>#N/A</v></c></row>' +
    '<row r="2"><c r="A2" t="inlineStr"><is><r><t>Ri</t></r><r><t xml:space="preserve">ch &amp; bold</t></r></is></c>' +
    '<c r="B2" t="str"><f>UPPER(A2)</f><v>RICH</v></c><c r="C2"><f>SUM(B1:B1)</f><v>148.5</v></c>' +
    '<c r="D2"><f>NOW()</f></c><c r="E2" t="d"><v>2024-03-01T00:00:00Z</v></c><c r="F2"><v>1E-3</v></c></row>' +
    '</sheetData></worksheet>';
  assert.deepEqual(rowsOf(xml, ['zero', 'Revenue']), [
    { number: 1, cells: ['Revenue', '148.5', 'true', 'false', '#N/A'] },
    { number: 2, cells: ['Rich & bold', 'RICH', '148.5', '', '2024-03-01T00:00:00Z', '0.001'] },
  ]);
});

test('worksheet rows: gaps between cells are empty, missing references follow the previous one', () => {
  const xml =
    `<worksheet ${NS}><sheetData><row r="3"><c r="C3"><v>3</v></c><c r="E3"><v>5</v></c></row>` +
    '<row><c><v>1</v></c><c><v>2</v></c></row><row r="9"/></sheetData></worksheet>';
  assert.deepEqual(rowsOf(xml), [
    { number: 3, cells: ['', '', '3', '', '5'] },
    { number: 4, cells: ['1', '2'] },
    { number: 9, cells: [] },
  ]);
});

test('worksheet rows: the same rows whatever the chunks the XML arrives in, prefixed names too', () => {
  const xml =
    '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>' +
    '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Città</x:t></x:is></x:c><x:c r="B1"><x:v>42</x:v></x:c></x:row>' +
    '<x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>';
  const whole = rowsOf(xml, ['shared']);
  assert.deepEqual(whole, [
    { number: 1, cells: ['Città', '42'] },
    { number: 2, cells: ['', 'shared'] },
  ]);
  for (const chunk of [1, 3, 7, 64]) assert.deepEqual(rowsOf(xml, ['shared'], chunk), whole);
});

test('worksheet rows: malformed or unfinished XML and a column beyond XFD throw', () => {
  assert.throws(() => rowsOf(`<worksheet ${NS}><sheetData><row r="1"></c></sheetData></worksheet>`));
  assert.throws(() => rowsOf(`<worksheet ${NS}><sheetData><row r="1">`));
  assert.throws(
    () => rowsOf(`<worksheet ${NS}><sheetData><row r="1"><c r="ZZZZ1"><v>1</v></c></row></sheetData></worksheet>`),
    /beyond column XFD/,
  );
});

test('worksheet rows: a number in a date style shows its date, time or both; other styles their number', () => {
  const xml =
    `<worksheet ${NS}><sheetData><row r="1"><c r="A1" s="1"><v>45382</v></c><c r="B1" s="2"><v>45382.6041666667</v></c>` +
    '<c r="C1" s="3"><v>0.5</v></c><c r="D1" s="4"><v>45382</v></c><c r="E1"><v>45382</v></c>' +
    '<c r="F1" s="1" t="s"><v>0</v></c><c r="G1" s="1"><v>-1</v></c></row></sheetData></worksheet>';
  const dateStyles = new Map([
    [1, 'date'],
    [2, 'datetime'],
    [3, 'time'],
  ] as const);
  assert.deepEqual(rowsOf(xml, ['text'], xml.length, { dateStyles, date1904: false }), [
    { number: 1, cells: ['2024-03-31', '2024-03-31T14:30:00', '12:00:00', '45382', '45382', 'text', '-1'] },
  ]);
  // The 1904 system counts 1,462 days fewer to the same date.
  assert.deepEqual(
    rowsOf(
      `<worksheet ${NS}><sheetData><row r="1"><c r="A1" s="1"><v>43920</v></c></row></sheetData></worksheet>`,
      [],
      1e6,
      {
        dateStyles,
        date1904: true,
      },
    ),
    [{ number: 1, cells: ['2024-03-31'] }],
  );
});

test('styles: the cell styles whose number format shows a date, built in or custom', () => {
  const reader = new StylesReader();
  reader.write(
    `<styleSheet ${NS}><numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>` +
      '<numFmt numFmtId="165" formatCode="#,##0.00 &quot;mln&quot;"/><numFmt numFmtId="166" formatCode="[h]:mm"/></numFmts>' +
      '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>' +
      '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/>' +
      '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"/></cellXfs></styleSheet>',
  );
  reader.end();
  assert.deepEqual(
    [...reader.dateStyles],
    [
      [1, 'date'],
      [2, 'date'],
      [5, 'datetime'],
    ],
  );
});

test('shared strings: plain and rich text, phonetic runs left out', () => {
  const reader = new SharedStringsReader();
  reader.write(
    `<sst ${NS} count="3"><si><t>Revenue</t></si><si><r><rPr><b/></rPr><t>Mar</t></r><r><t>gin</t></r></si>` +
      '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si><si><t/></si></sst>',
  );
  reader.end();
  assert.deepEqual(reader.strings, ['Revenue', 'Margin', '東京', '']);
});

test('workbook sheets, date system and relationships', () => {
  const workbook = new WorkbookReader();
  workbook.write(
    `<workbook ${NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
      '<workbookPr date1904="1"/><sheets>' +
      '<sheet name="Summary" sheetId="1" r:id="rId2"/><sheet name="Inventory" sheetId="2" r:id="rId1"/></sheets></workbook>',
  );
  workbook.end();
  assert.deepEqual(workbook.sheets, [
    { name: 'Summary', relationshipId: 'rId2' },
    { name: 'Inventory', relationshipId: 'rId1' },
  ]);
  assert.equal(workbook.date1904, true);
  const relationships = new RelationshipsReader();
  relationships.write(
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://x/worksheet" Target="worksheets/sheet2.xml"/></Relationships>',
  );
  relationships.end();
  assert.deepEqual(relationships.relationships, [
    { id: 'rId1', type: 'http://x/worksheet', target: 'worksheets/sheet2.xml' },
  ]);
});

test('columnNumber: letters of a cell reference, base 26', () => {
  assert.equal(columnNumber('A1'), 1);
  assert.equal(columnNumber('b7'), 2);
  assert.equal(columnNumber('AA10'), 27);
  assert.equal(columnNumber('XFD1048576'), 16_384);
  assert.equal(columnNumber('12'), 0);
});
