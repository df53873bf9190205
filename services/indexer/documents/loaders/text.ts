/** Plain text loader: the whole text is one section; the splitter cuts it into chunks. */
import type { DocumentSection } from '../document-section.ts';
import { decodeText } from './decode-text.ts';

/** Yields the text of a plain-text document as one section (none if it is blank). */
export async function* loadText(bytes: Uint8Array): AsyncGenerator<DocumentSection> {
  const text = decodeText(bytes).replace(/\r\n?/g, '\n').trim();
  if (text !== '') yield { text };
}
