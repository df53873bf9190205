/**
 * The document loaders by format, each imported the first time a document of its format
 * arrives: a parser library weighs on every thread that imports it (mammoth, pdf.js), so a
 * thread that only ever sees PDFs never loads mammoth or the XLSX reader.
 * Node caches a module once imported, so later documents of a format pay nothing.
 */
import type { DocumentFormat } from './detect-format.ts';
import type { DocumentSection } from './document-section.ts';
import type { DocumentLimits } from './limits.ts';

/** Parses a document's bytes, section by section as iterated. */
export type Loader = (bytes: Uint8Array, limits: DocumentLimits) => AsyncIterable<DocumentSection>;

const IMPORTS: Record<DocumentFormat, () => Promise<Loader>> = {
  pdf: async () => (await import('./loaders/pdf.ts')).loadPdf,
  docx: async () => (await import('./loaders/docx.ts')).loadDocx,
  xlsx: async () => (await import('./loaders/xlsx.ts')).loadXlsx,
  csv: async () => (await import('./loaders/csv.ts')).loadCsv,
  markdown: async () => (await import('./loaders/markdown.ts')).loadMarkdown,
  html: async () => (await import('./loaders/html.ts')).loadHtml,
  text: async () => (await import('./loaders/text.ts')).loadText,
};

/** The loader of `format`, imported on first use. */
export function loaderFor(format: DocumentFormat): Promise<Loader> {
  return IMPORTS[format]();
}
