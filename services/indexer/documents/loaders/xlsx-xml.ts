/**
 * The SpreadsheetML parts an XLSX loader reads, each parsed as a stream of SAX events (saxes,
 * strict XML: a malformed part throws) into no more than the text it needs: the workbook's
 * sheets and date system, its relationships, the shared strings, which cell styles show dates,
 * and a worksheet's rows of cell texts.
 *
 * Nothing of a part is kept as a tree or as one object per cell: a worksheet's XML arrives in
 * inflated chunks and leaves a row as an array of strings, so the garbage of its parsing dies
 * young. (exceljs's streaming reader kept every SAX event of a chunk in an array and built a
 * Row and Cell objects per row, which the indexing threads' young generation promoted while
 * the rows were chunked and embedded.) Pure: text in, values out.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Row } from './rows.ts';
import { type DateFormatKind, dateFormatKind, serialDateText } from './xlsx-dates.ts';

/** A SAX reader of one part, fed its text in chunks. */
abstract class PartReader {
  readonly #parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });

  constructor() {
    this.#parser.on('opentag', (tag) => this.open(localName(tag.name), tag));
    this.#parser.on('closetag', (tag) => this.close(localName(tag.name)));
    this.#parser.on('text', (text) => this.text(text));
    this.#parser.on('cdata', (text) => this.text(text));
  }

  /** Parses the next chunk of the part's text; throws on malformed XML. */
  write(chunk: string): void {
    this.#parser.write(chunk);
  }

  /** Ends the part; throws when its XML is incomplete. */
  end(): void {
    this.#parser.close();
  }

  protected abstract open(name: string, tag: SaxesTagPlain): void;
  protected abstract close(name: string): void;
  protected abstract text(text: string): void;
}

/** `x:row` -> `row`: SpreadsheetML may be written with a namespace prefix. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The value of the attribute named `local` under any prefix (`r:id`, `id`). */
function attribute(tag: SaxesTagPlain, local: string): string | undefined {
  const plain = tag.attributes[local];
  if (plain !== undefined) return plain;
  for (const [name, value] of Object.entries(tag.attributes)) if (localName(name) === local) return value;
  return undefined;
}

/** A sheet of `xl/workbook.xml`, in the workbook's order. */
export interface WorkbookSheet {
  name: string;
  /** Its relationship id in `xl/_rels/workbook.xml.rels`. */
  relationshipId: string;
}

/** Reads a workbook part's `<sheets><sheet name r:id/></sheets>` and its date system. */
export class WorkbookReader extends PartReader {
  readonly sheets: WorkbookSheet[] = [];
  /** True when the workbook counts dates from 1904 (`<workbookPr date1904="1"/>`). */
  date1904 = false;

  protected open(name: string, tag: SaxesTagPlain): void {
    if (name === 'workbookPr') {
      const date1904 = tag.attributes['date1904'];
      this.date1904 = date1904 === '1' || date1904 === 'true';
      return;
    }
    if (name !== 'sheet') return;
    const sheetName = tag.attributes['name'];
    const relationshipId = attribute(tag, 'id');
    if (sheetName !== undefined && relationshipId !== undefined) this.sheets.push({ name: sheetName, relationshipId });
  }

  protected close(): void {}
  protected text(): void {}
}

/** A relationship of a `.rels` part. */
export interface Relationship {
  id: string;
  type: string;
  target: string;
}

/** Reads the `<Relationship Id Type Target/>` elements of a relationships part. */
export class RelationshipsReader extends PartReader {
  readonly relationships: Relationship[] = [];

  protected open(name: string, tag: SaxesTagPlain): void {
    if (name !== 'Relationship') return;
    const { Id: id, Type: type, Target: target } = tag.attributes;
    if (id !== undefined && target !== undefined) this.relationships.push({ id, type: type ?? '', target });
  }

  protected close(): void {}
  protected text(): void {}
}

/**
 * Reads `xl/sharedStrings.xml`: each `<si>`'s text, rich-text runs joined, phonetic runs
 * (`<rPh>`, a reading aid for East Asian text) left out.
 */
export class SharedStringsReader extends PartReader {
  readonly strings: string[] = [];
  #current: string | undefined;
  #inText = false;
  #inPhonetic = false;

  protected open(name: string): void {
    if (name === 'si') this.#current = '';
    else if (name === 'rPh') this.#inPhonetic = true;
    else if (name === 't' && this.#current !== undefined && !this.#inPhonetic) this.#inText = true;
  }

  protected close(name: string): void {
    if (name === 'si' && this.#current !== undefined) {
      this.strings.push(this.#current);
      this.#current = undefined;
    } else if (name === 'rPh') this.#inPhonetic = false;
    else if (name === 't') this.#inText = false;
  }

  protected text(text: string): void {
    if (this.#inText) this.#current += text;
  }
}

/**
 * Reads `xl/styles.xml` for which cell styles show dates: `dateStyles` maps the index of each
 * such style of `<cellXfs>` (a cell's `s`) to what it shows. The custom number formats
 * (`<numFmts>`) come before the styles in the part (ECMA-376's order).
 */
export class StylesReader extends PartReader {
  readonly dateStyles = new Map<number, DateFormatKind>();
  readonly #formatCodes = new Map<number, string>();
  #inCellStyles = false;
  #styleIndex = 0;

  protected open(name: string, tag: SaxesTagPlain): void {
    if (name === 'numFmt') {
      const id = Number.parseInt(tag.attributes['numFmtId'] ?? '', 10);
      const code = tag.attributes['formatCode'];
      if (Number.isInteger(id) && code !== undefined) this.#formatCodes.set(id, code);
    } else if (name === 'cellXfs') {
      this.#inCellStyles = true;
    } else if (name === 'xf' && this.#inCellStyles) {
      const id = Number.parseInt(tag.attributes['numFmtId'] ?? '0', 10);
      const kind = dateFormatKind(id, this.#formatCodes.get(id));
      if (kind !== undefined) this.dateStyles.set(this.#styleIndex, kind);
      this.#styleIndex += 1;
    }
  }

  protected close(name: string): void {
    if (name === 'cellXfs') this.#inCellStyles = false;
  }

  protected text(): void {}
}

/** What a worksheet's cells need from the rest of the workbook to show their text. */
export interface WorkbookContext {
  sharedStrings: readonly string[];
  /** Cell style index -> what it shows, for the styles that show dates (StylesReader). */
  dateStyles: ReadonlyMap<number, DateFormatKind>;
  date1904: boolean;
}

/**
 * Reads a worksheet's rows: each `<row>` becomes its 1-based number and the text of each cell
 * by column (empty strings between cells). Cell texts: a shared string, an inline string, a
 * formula's cached result, `true`/`false`, an error (`#N/A`), a number in a date style as its
 * date (xlsx-dates.ts), or any other number as JavaScript writes it (`148.5`).
 */
export class WorksheetRowsReader extends PartReader {
  readonly #workbook: WorkbookContext;
  #rows: Row[] = [];
  #rowNumber = 0;
  #cells: string[] | undefined;
  #column = 0;
  #inCell = false;
  #type = 'n';
  #style = 0;
  #value: string | undefined;
  #inValue = false;
  #inline: string | undefined;
  #inInlineText = false;
  #inPhonetic = false;

  constructor(workbook: WorkbookContext) {
    super();
    this.#workbook = workbook;
  }

  /** The rows completed since the last call. */
  take(): Row[] {
    const rows = this.#rows;
    if (rows.length > 0) this.#rows = [];
    return rows;
  }

  protected open(name: string, tag: SaxesTagPlain): void {
    switch (name) {
      case 'row': {
        const number = Number.parseInt(tag.attributes['r'] ?? '', 10);
        this.#rowNumber = Number.isInteger(number) && number > 0 ? number : this.#rowNumber + 1;
        this.#cells = [];
        this.#column = 0;
        break;
      }
      case 'c': {
        if (this.#cells === undefined) break;
        const reference = tag.attributes['r'];
        const column = reference === undefined ? 0 : columnNumber(reference);
        this.#column = column > 0 ? column : this.#column + 1;
        // A bound before the row's cells are filled in up to this one.
        if (this.#column > MAX_COLUMNS) throw new Error(`cell ${reference ?? '?'} lies beyond column XFD`);
        this.#inCell = true;
        this.#type = tag.attributes['t'] ?? 'n';
        this.#style = Number.parseInt(tag.attributes['s'] ?? '0', 10);
        this.#value = undefined;
        this.#inline = undefined;
        break;
      }
      case 'v':
        if (this.#inCell) {
          this.#inValue = true;
          this.#value = '';
        }
        break;
      case 'is':
        if (this.#inCell) this.#inline = '';
        break;
      case 'rPh':
        this.#inPhonetic = true;
        break;
      case 't':
        if (this.#inline !== undefined && !this.#inPhonetic) this.#inInlineText = true;
        break;
      default:
        break;
    }
  }

  protected close(name: string): void {
    switch (name) {
      case 'v':
        this.#inValue = false;
        break;
      case 't':
        this.#inInlineText = false;
        break;
      case 'rPh':
        this.#inPhonetic = false;
        break;
      case 'c':
        if (this.#inCell && this.#cells !== undefined) {
          const cells = this.#cells;
          while (cells.length < this.#column - 1) cells.push('');
          cells[this.#column - 1] = this.#cellText();
        }
        this.#inCell = false;
        break;
      case 'row':
        if (this.#cells !== undefined) this.#rows.push({ number: this.#rowNumber, cells: this.#cells });
        this.#cells = undefined;
        break;
      default:
        break;
    }
  }

  protected text(text: string): void {
    if (this.#inValue) this.#value += text;
    else if (this.#inInlineText) this.#inline += text;
  }

  #cellText(): string {
    const value = this.#value;
    switch (this.#type) {
      case 'inlineStr':
        return this.#inline ?? value ?? '';
      case 's':
        return value === undefined ? '' : (this.#workbook.sharedStrings[Number.parseInt(value, 10)] ?? '');
      case 'b':
        return value === undefined || value.trim() === '' ? '' : String(Number.parseInt(value, 10) !== 0);
      case 'n': {
        if (value === undefined) return '';
        const number = Number.parseFloat(value);
        if (Number.isNaN(number)) return value;
        const date = this.#workbook.dateStyles.get(this.#style);
        return date === undefined ? String(number) : serialDateText(number, date, this.#workbook.date1904);
      }
      default:
        // str (a formula's text), e (an error), d (an ISO date): the text as written.
        return value ?? '';
    }
  }
}

/** SpreadsheetML's last column, XFD. */
const MAX_COLUMNS = 16_384;

/** The 1-based column of a cell reference (`B7` -> 2, `AA1` -> 27); 0 when it has no letters. Pure. */
export function columnNumber(reference: string): number {
  let column = 0;
  for (let i = 0; i < reference.length; i += 1) {
    const code = reference.charCodeAt(i) | 0x20; // lowercase
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
  }
  return column;
}
