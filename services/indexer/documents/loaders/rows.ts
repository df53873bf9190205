/**
 * Spreadsheet rows (XLSX, CSV) grouped into sections: consecutive rows up to a target length,
 * each row's cells joined with " | ", with the sheet name and the 1-based row range. Also
 * counts non-empty cells against the sheet-cell limit.
 */
import { SedanoError } from '../../../lib/errors.ts';
import type { DocumentSection } from '../document-section.ts';

/** Target length of a group of rows, in characters (about one chunk at the default size). */
export const ROW_GROUP_CHARS = 1000;

export interface Row {
  /** 1-based row number in its sheet or file. */
  number: number;
  /** Cell texts in column order; empty strings for empty cells. */
  cells: string[];
}

/** Groups rows into sections and enforces `maxCells` over every row it sees. */
export class RowGrouper {
  readonly #sheet: string | undefined;
  readonly #cellCounter: { cells: number; max: number };
  #lines: string[] = [];
  #length = 0;
  #from = 0;
  #to = 0;

  /** `cellCounter` is shared by every sheet of one document, so the limit covers the workbook. */
  constructor(sheet: string | undefined, cellCounter: { cells: number; max: number }) {
    this.#sheet = sheet;
    this.#cellCounter = cellCounter;
  }

  /** Adds a row; returns a finished section when the group reached its target length. */
  add(row: Row): DocumentSection | undefined {
    const filled = row.cells.filter((cell) => cell.trim() !== '');
    this.#cellCounter.cells += filled.length;
    if (this.#cellCounter.cells > this.#cellCounter.max) {
      throw new SedanoError(
        'SEDANO_ERR_DOCUMENT_TOO_LARGE',
        `the spreadsheet has more than ${this.#cellCounter.max} non-empty cells (limit maxSheetCells)`,
        { retriable: false },
      );
    }
    if (filled.length === 0) return undefined;
    const line = trimTrailingEmpty(row.cells).join(' | ');
    const section = this.#length > 0 && this.#length + line.length > ROW_GROUP_CHARS ? this.flush() : undefined;
    if (this.#lines.length === 0) this.#from = row.number;
    this.#lines.push(line);
    this.#length += line.length + 1;
    this.#to = row.number;
    return section;
  }

  /** The rows gathered since the last section, if any. */
  flush(): DocumentSection | undefined {
    if (this.#lines.length === 0) return undefined;
    const section: DocumentSection = { text: this.#lines.join('\n'), rows: [this.#from, this.#to] };
    if (this.#sheet !== undefined) section.sheet = this.#sheet;
    this.#lines = [];
    this.#length = 0;
    return section;
  }
}

function trimTrailingEmpty(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1]?.trim() === '') end -= 1;
  return cells.slice(0, end).map((cell) => cell.trim());
}
