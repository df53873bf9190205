/**
 * Fixtures for the document tests, generated into a temp dir rather than committed: a zip
 * bomb, corrupt and truncated files, a long PDF. Zips are written with jszip (in the lockfile
 * through mammoth and docx), PDFs with pdf-lib.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import JSZip from 'jszip';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export const SAMPLES = new URL('../../../../../samples/documents/', import.meta.url).pathname;

/** A temp directory removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'sedano-docs-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` to `dir/name` and returns the path. */
export function writeFixture(dir: string, name: string, content: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/**
 * A DOCX-shaped zip bomb: `[Content_Types].xml` and a `word/document.xml` of `inflatedBytes`
 * spaces, which deflate to about a thousandth of their size.
 */
export async function zipBomb(inflatedBytes: number): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types/>');
  zip.file('word/document.xml', Buffer.alloc(inflatedBytes, 0x20));
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/** A copy of the zip `archive` with `entry` replaced by `content`. */
export async function replaceEntry(archive: Uint8Array, entry: string, content: string): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(archive);
  zip.file(entry, content);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** A zip of `count` tiny entries. */
export async function manyEntries(count: number): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file('word/document.xml', '<w:document/>');
  for (let i = 0; i < count; i += 1) zip.file(`word/media/part-${i}.txt`, `part ${i}`);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** A PDF of `pages` pages, each saying "Page N of the long report". */
export async function longPdf(pages: number): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n += 1) {
    const page = document.addPage([595, 842]);
    page.drawText(`Page ${n} of the long report.`, { x: 50, y: 780, size: 12, font });
    for (let line = 0; line < 30; line += 1) {
      page.drawText(`Line ${line} of page ${n}: quarterly figures, notes and logs for the indexing test.`, {
        x: 50,
        y: 750 - line * 22,
        size: 10,
        font,
      });
    }
  }
  return document.save();
}
