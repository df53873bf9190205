/**
 * Lays out and renders a pdfmake document definition into a PDF stream, without a browser.
 *
 * pdfmake's default export is a process-wide singleton (fonts, progress callback and access
 * policies are set on it), so this module drives its Printer directly with a font table and
 * policies of its own: no URL is ever fetched and the only local files read are the fonts.
 * Layout and rendering are synchronous and CPU-bound (they run in the stage's worker
 * threads); pdfmake's render callback gives the progress per page of a long report.
 */
import { createRequire } from 'node:module';
import { resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { DocumentDefinition } from './pdf-document.ts';
import { fontDirectories, reportFonts } from './report-fonts.ts';

/** pdfkit's document as pdfmake returns it: a readable stream of the PDF once `end()` is called. */
export interface PdfKitDocument extends Readable {
  end(): void;
  /** The laid-out pages, set by pdfmake's renderer. */
  _pdfMakePages?: unknown[];
}

interface PdfPrinter {
  pdfKitDoc?: PdfKitDocument;
  createPdfKitDocument(
    definition: DocumentDefinition,
    options: { progressCallback?: (fraction: number) => void },
  ): Promise<PdfKitDocument>;
}

type PrinterConstructor = new (
  fonts: unknown,
  virtualFs: unknown,
  urlResolver: unknown,
  localAccessPolicy: (path: string) => boolean,
) => PdfPrinter;

interface UrlResolver {
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
}

const require = createRequire(import.meta.url);
const { default: Printer } = require('pdfmake/js/Printer.js') as { default: PrinterConstructor };
const { default: virtualFs } = require('pdfmake/js/virtual-fs.js') as { default: unknown };
const { default: UrlResolverClass } = require('pdfmake/js/URLResolver.js') as {
  default: new (virtualFs: unknown) => UrlResolver;
};

/** A rendered document: the PDF's bytes as a stream, and its page count. */
export interface RenderedPdf {
  /** Flows once read; read it to the end (or destroy it). */
  stream: PdfKitDocument;
  pages: number;
}

/** Called as pages are laid out (`page` so far; the total is not known yet) and drawn (`page` of `pages`). */
export interface RenderProgress {
  laidOut?: (page: number) => void;
  drawn?: (page: number, pages: number) => void;
}

function readsOnlyFonts(): (path: string) => boolean {
  const allowed = fontDirectories().map((directory) => resolve(directory) + sep);
  return (path) => allowed.some((directory) => resolve(path).startsWith(directory));
}

/**
 * Lays out and draws `definition`, reporting each page laid out and drawn. pdfmake asks for a
 * page's background as it adds the page during layout: that call is the layout's page hook.
 */
export async function renderPdf(definition: DocumentDefinition, progress: RenderProgress = {}): Promise<RenderedPdf> {
  const urlResolver = new UrlResolverClass(virtualFs);
  urlResolver.setUrlAccessPolicy(() => false);
  const printer = new Printer(reportFonts(), virtualFs, urlResolver, readsOnlyFonts());
  let laidOut = 0;
  const background = definition.background;
  const withHook: DocumentDefinition = {
    ...definition,
    background: (currentPage, pageSize) => {
      if (currentPage > laidOut) {
        laidOut = currentPage;
        progress.laidOut?.(currentPage);
      }
      return background?.(currentPage, pageSize) ?? null;
    },
  };
  let drawn = 0;
  const progressCallback = (fraction: number): void => {
    // The printer keeps the document it is drawing; its pages are known before drawing starts.
    const pages = printer.pdfKitDoc?._pdfMakePages?.length ?? 0;
    const page = Math.min(pages, Math.ceil(fraction * pages));
    if (page > drawn) {
      drawn = page;
      progress.drawn?.(page, pages);
    }
  };
  const stream = await printer.createPdfKitDocument(withHook, { progressCallback });
  return { stream, pages: stream._pdfMakePages?.length ?? 0 };
}
