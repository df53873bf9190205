/**
 * Markdown loader (marked's lexer): sections start at each heading, with the heading's text as
 * `heading`; the blocks under it keep their Markdown source (tables, lists, emphasis), which
 * embeds as well as plain text and keeps the document's own wording.
 */
import { Lexer } from 'marked';
import type { DocumentSection } from '../document-section.ts';
import { decodeText } from './decode-text.ts';

/** Yields the sections of a Markdown document. */
export async function* loadMarkdown(bytes: Uint8Array): AsyncGenerator<DocumentSection> {
  yield* markdownSections(decodeText(bytes));
}

/** Splits Markdown `source` into sections at its headings. Pure. */
export function markdownSections(source: string): DocumentSection[] {
  const sections: DocumentSection[] = [];
  let heading: string | undefined;
  let body = '';
  const flush = (): void => {
    const text = body.trim();
    if (text !== '') sections.push(heading === undefined ? { text } : { text, heading });
    body = '';
  };
  for (const token of Lexer.lex(source.replace(/\r\n?/g, '\n'))) {
    if (token.type === 'heading') {
      flush();
      heading = (token as { text: string }).text.trim();
    }
    body += token.raw;
  }
  flush();
  return sections;
}
