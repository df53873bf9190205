/**
 * Text that reaches a PDF page (pure). Report text comes from users and from extracted
 * documents, so it may carry control characters (a stray NUL, form feeds from a PDF) and
 * bidirectional formatting marks (right-to-left marks, embeddings, isolates). The first draw
 * as boxes or break the PDF's text; the second change nothing in the Latin scripts the
 * templates lay out, and an unmatched embedding could reverse the rest of a line. Both are
 * removed; tabs become spaces and line breaks are kept where a paragraph may hold them.
 */

// C0 and C1 controls except tab, line feed and carriage return (handled apart), plus DEL.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// LRM, RLM, ALM, the embeddings and overrides (LRE…RLO) and the isolates (LRI…PDI), BOM.
const BIDI_AND_INVISIBLE = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** One line of text (a title, a heading, a cell): controls and bidi marks removed, whitespace collapsed. */
export function cleanLine(text: string): string {
  return text
    .replace(BIDI_AND_INVISIBLE, '')
    .replace(/[\t\r\n]+/g, ' ')
    .replace(CONTROL, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** A paragraph: like cleanLine, but line breaks are kept (a run of them becomes one). */
export function cleanParagraph(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n+/)
    .map(cleanLine)
    .filter((line) => line.length > 0)
    .join('\n');
}
