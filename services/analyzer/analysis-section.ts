/** A section of a document as the analysers see it: its text, where it is, and its language. */
export interface AnalysisSection {
  text: string;
  /** 1-based page (PDF, or as stored in the vector store), or null. */
  page: number | null;
  /** Sheet name (XLSX), or null. */
  sheet: string | null;
  /** First and last row (XLSX, CSV), 1-based inclusive, or null for prose. */
  rows: [number, number] | null;
  /** The section's language (base code), detected or given; null when it could not be told. */
  language: string | null;
}

/** Where a section is, for provenance: `p.3`, `Sheet1 rows 2-9`, or `` for running text. */
export function sectionPlace(section: Pick<AnalysisSection, 'page' | 'sheet' | 'rows'>): string {
  if (section.page !== null) return `p.${section.page}`;
  if (section.rows !== null)
    return `${section.sheet === null ? '' : `${section.sheet} `}rows ${section.rows[0]}-${section.rows[1]}`;
  return '';
}
