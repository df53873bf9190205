/**
 * PDF loader (unpdf, PDF.js): one section per page with its 1-based page number, read page by
 * page and released after each, so a long PDF never has all its text in memory at once.
 * Pages without text (scans, images) yield nothing: there is no OCR.
 */
import { getDocumentProxy } from 'unpdf';
import { SedanoError } from '../../../lib/errors.ts';
import type { DocumentSection } from '../document-section.ts';
import type { DocumentLimits } from '../limits.ts';

/** Pages read between two cleanups of PDF.js's document-wide caches. */
const CLEANUP_EVERY_PAGES = 20;

/** Yields the text of each page of a PDF. */
export async function* loadPdf(bytes: Uint8Array, limits: DocumentLimits): AsyncGenerator<DocumentSection> {
  // PDF.js may take ownership of the array it is given, so it gets a copy of its own.
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  try {
    if (pdf.numPages > limits.maxPdfPages) {
      throw new SedanoError(
        'SEDANO_ERR_DOCUMENT_TOO_LARGE',
        `the PDF has ${pdf.numPages} pages, more than the limit of ${limits.maxPdfPages} (maxPdfPages)`,
        { retriable: false },
      );
    }
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber += 1) {
      const page = await pdf.getPage(pageNumber);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
      }
      page.cleanup();
      // PDF.js keeps fonts and parsed objects per document; dropping them now and then keeps a
      // long document's memory flat instead of growing with every page read.
      if (pageNumber % CLEANUP_EVERY_PAGES === 0) await pdf.cleanup();
      text = text.replace(/[ \t]+\n/g, '\n').trim();
      if (text !== '') yield { text, page: pageNumber };
    }
  } finally {
    await pdf.loadingTask.destroy();
  }
}
