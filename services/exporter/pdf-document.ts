/**
 * The part of pdfmake's document definition the templates use, typed here: the published
 * typings (@types/pdfmake) pull the DOM library into every file of the project, which
 * breaks Node's stream and fetch types elsewhere.
 */

/** A style: font, size, colour, margins… as pdfmake reads them. */
export type Style = Record<string, unknown>;

/** Any block or inline of pdfmake's content (text, stack, columns, table, svg, canvas). */
export type Content = string | { [property: string]: unknown };

/** A table cell: a string or a content object. */
export type TableCell = Content;

/** The table node pdfmake passes to layout callbacks. */
export interface TableNode {
  table: { body: unknown[][] };
}

/** A table layout: fills and rules per row and column. */
export interface CustomTableLayout {
  fillColor?: (rowIndex: number, node: TableNode, columnIndex: number) => string | null;
  hLineWidth?: (lineIndex: number, node: TableNode) => number;
  vLineWidth?: (lineIndex: number, node: TableNode) => number;
  hLineColor?: (lineIndex: number, node: TableNode) => string;
  paddingLeft?: (columnIndex: number, node: TableNode) => number;
  paddingRight?: (columnIndex: number, node: TableNode) => number;
  paddingTop?: (rowIndex: number, node: TableNode) => number;
  paddingBottom?: (rowIndex: number, node: TableNode) => number;
}

export interface PageSize {
  width: number;
  height: number;
}

/** A whole document, as pdfmake's Printer takes it. */
export interface DocumentDefinition {
  pageSize: string;
  pageMargins: [number, number, number, number];
  language?: string;
  info?: { title?: string; creator?: string; producer?: string; creationDate?: Date; modDate?: Date };
  defaultStyle?: Style;
  styles?: Record<string, Style>;
  background?: (currentPage: number, pageSize: PageSize) => Content | null;
  header?: (currentPage: number, pageCount: number) => Content | null;
  footer?: (currentPage: number, pageCount: number) => Content | null;
  content: Content[];
}
