/**
 * DOCX loader: mammoth turns the document into HTML (Word's heading styles become h1-h6),
 * which the HTML loader splits at its headings. The archive guard has checked the zip first.
 */
import mammoth from 'mammoth';
import type { DocumentSection } from '../document-section.ts';
import { htmlSections } from './html.ts';

/** Yields the sections of a DOCX document. */
export async function* loadDocx(bytes: Uint8Array): AsyncGenerator<DocumentSection> {
  const { value: html } = await mammoth.convertToHtml({
    buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  });
  yield* htmlSections(html);
}
