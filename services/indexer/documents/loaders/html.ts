/**
 * HTML loader (htmlparser2): visible text in sections that start at each h1-h6 heading, with
 * the heading's text as `heading`. Script, style, template and noscript content is skipped;
 * block elements become line breaks. Also used for DOCX, which mammoth turns into HTML.
 */
import { Parser } from 'htmlparser2';
import type { DocumentSection } from '../document-section.ts';
import { decodeText } from './decode-text.ts';

const SKIPPED = new Set(['script', 'style', 'template', 'noscript', 'head']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tr',
  'ul',
]);
const CELLS = new Set(['td', 'th']);

/** Yields the sections of an HTML document. */
export async function* loadHtml(bytes: Uint8Array): AsyncGenerator<DocumentSection> {
  yield* htmlSections(decodeText(bytes));
}

/** Splits `html` into sections at its headings. Pure. */
export function htmlSections(html: string): DocumentSection[] {
  const sections: DocumentSection[] = [];
  let heading: string | undefined;
  let body = '';
  let headingText: string | null = null;
  let skipDepth = 0;

  const flush = (): void => {
    const text = normaliseWhitespace(body);
    if (text !== '') sections.push(heading === undefined ? { text } : { text, heading });
    body = '';
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipDepth += 1;
        else if (HEADINGS.has(name)) {
          flush();
          headingText = '';
        } else if (BLOCKS.has(name)) body += '\n';
        else if (CELLS.has(name)) body += ' | ';
      },
      ontext(text) {
        if (skipDepth > 0) return;
        if (headingText !== null) headingText += text;
        body += text;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        else if (HEADINGS.has(name) && headingText !== null) {
          heading = normaliseWhitespace(headingText) || heading;
          headingText = null;
          body += '\n';
        } else if (BLOCKS.has(name)) body += '\n';
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return sections;
}

/** Collapses spaces within lines and blank lines between them; trims. */
function normaliseWhitespace(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
