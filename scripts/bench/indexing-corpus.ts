/**
 * The generated corpus of the indexing benchmark: PDFs of many pages (pdf-lib), DOCX files of
 * many paragraphs (docx) and XLSX workbooks of many rows (exceljs), written into a directory,
 * with text that varies per file and page so chunks and their embeddings differ.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const WORDS = (
  'revenue margin quarter harbour orchard ledger invoice freight copper lantern violin ferry ' +
  'telescope fountain warehouse shortage forecast budget audit supplier contract delivery'
).split(' ');

/** A sentence that differs with its seed. */
function sentence(seed: number): string {
  const words = Array.from({ length: 14 }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]);
  return `Entry ${seed}: ${words.join(' ')}.`;
}

/** Writes a PDF of `pages` pages, about 2,500 characters each; returns its path. */
export async function writePdf(dir: string, name: string, pages: number, seed: number): Promise<string> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let page = 1; page <= pages; page += 1) {
    const pdfPage = document.addPage([595, 842]);
    pdfPage.drawText(`Report ${seed}, page ${page}`, { x: 40, y: 800, size: 12, font });
    for (let line = 0; line < 36; line += 1) {
      pdfPage.drawText(sentence(seed * 100_000 + page * 100 + line), { x: 40, y: 770 - line * 20, size: 8, font });
    }
  }
  const path = join(dir, name);
  await writeFile(path, await document.save());
  return path;
}

/** Writes a DOCX of `sections` headed sections of 10 paragraphs; returns its path. */
export async function writeDocx(dir: string, name: string, sections: number, seed: number): Promise<string> {
  const children = Array.from({ length: sections }, (_, section) => [
    new Paragraph({ text: `Section ${section + 1} of memo ${seed}`, heading: HeadingLevel.HEADING_2 }),
    ...Array.from({ length: 10 }, (_, i) => new Paragraph(sentence(seed * 10_000 + section * 10 + i))),
  ]).flat();
  const path = join(dir, name);
  await writeFile(path, await Packer.toBuffer(new Document({ sections: [{ children }] })));
  return path;
}

/** Writes an XLSX of two sheets of `rows` rows each; returns its path. */
export async function writeXlsx(dir: string, name: string, rows: number, seed: number): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  for (const sheetName of ['Ledger', 'Inventory']) {
    const sheet = workbook.addWorksheet(sheetName);
    sheet.addRow(['Id', 'Item', 'Quantity', 'Note']);
    for (let row = 1; row <= rows; row += 1) {
      sheet.addRow([row, WORDS[(seed + row) % WORDS.length], (seed * row) % 997, sentence(seed * 100_000 + row)]);
    }
  }
  const path = join(dir, name);
  await writeFile(path, Buffer.from(await workbook.xlsx.writeBuffer()));
  return path;
}
