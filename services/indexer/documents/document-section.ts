/**
 * A piece of a loaded document with the structure that matters for retrieval: the page it is
 * on (PDF), the sheet and rows it comes from (XLSX, CSV), the heading it sits under (DOCX,
 * Markdown, HTML). Loaders yield these; the splitter turns them into chunks.
 */
export interface DocumentSection {
  /** Plain text of the section; never empty. */
  text: string;
  /** 1-based page number (PDF). */
  page?: number;
  /** Sheet name (XLSX). */
  sheet?: string;
  /** 1-based first and last row, inclusive (XLSX, CSV). */
  rows?: [number, number];
  /** Text of the nearest heading above the section (DOCX, Markdown, HTML). */
  heading?: string;
}
