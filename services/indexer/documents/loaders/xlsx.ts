/**
 * XLSX loader (exceljs streaming reader): rows read one at a time, grouped into sections with
 * the sheet name and 1-based row range. Formulas give their cached result, rich text its
 * plain text, dates their ISO form. The archive guard has checked the zip first.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { DocumentSection } from '../document-section.ts';
import type { DocumentLimits } from '../limits.ts';
import { RowGrouper } from './rows.ts';

/** Yields the rows of every sheet of an XLSX workbook, in groups. */
export async function* loadXlsx(bytes: Uint8Array, limits: DocumentLimits): AsyncGenerator<DocumentSection> {
  const input = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  const cellCounter = { cells: 0, max: limits.maxSheetCells };
  for await (const worksheet of workbook) {
    // exceljs sets `name` on the reader from workbook.xml; its type declarations omit it.
    const sheet = (worksheet as unknown as { name: string }).name;
    const grouper = new RowGrouper(sheet, cellCounter);
    for await (const row of worksheet) {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      const section = grouper.add({ number: row.number, cells: values.map(cellText) });
      if (section) yield section;
    }
    const last = grouper.flush();
    if (last) yield last;
  }
}

/** The text a cell shows, for exceljs's cell value shapes. Pure. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'object') return '';
  const cell = value as Record<string, unknown>;
  if (Array.isArray(cell['richText'])) {
    return (cell['richText'] as { text?: string }[]).map((run) => run.text ?? '').join('');
  }
  if ('result' in cell) return cellText(cell['result']);
  if (typeof cell['text'] === 'string') return cell['text'];
  if (typeof cell['error'] === 'string') return cell['error'];
  return '';
}
