/** Test helper: the text of each page of a PDF, as unpdf (pdf.js) extracts it. */
import { readFile } from 'node:fs/promises';
import { extractText, getDocumentProxy } from 'unpdf';

export interface PdfText {
  pages: number;
  /** Text of each page, in order. */
  text: string[];
  /** All pages' text, joined. */
  all: string;
}

export async function pdfText(path: string): Promise<PdfText> {
  const pdf = await getDocumentProxy(new Uint8Array(await readFile(path)), { verbosity: 0 });
  try {
    const { totalPages, text } = await extractText(pdf, { mergePages: false });
    return { pages: totalPages, text, all: text.join('\n') };
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/** The page count and the text of the pages numbered `pages` (from 1) only: faster on long documents. */
export async function pdfPagesText(
  path: string,
  pages: number[],
): Promise<{ pages: number; text: Map<number, string> }> {
  const pdf = await getDocumentProxy(new Uint8Array(await readFile(path)), { verbosity: 0 });
  try {
    const text = new Map<number, string>();
    for (const number of pages) {
      const content = await (await pdf.getPage(number)).getTextContent();
      text.set(number, content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    return { pages: pdf.numPages, text };
  } finally {
    await pdf.loadingTask.destroy();
  }
}
