/**
 * The blocks sections are made of, shared by the templates (pure): numbered headings,
 * paragraphs, tables whose header row repeats on every page, and charts (an SVG drawn
 * beforehand, kept on one page with its caption).
 */
import type { Content, TableCell } from '../pdf-document.ts';
import type { ReportSection } from '../../../schemas/report-section.ts';
import type { ReportTable } from '../../../schemas/report-table.ts';
import type { ReportLabels } from '../report-labels.ts';
import { cleanLine, cleanParagraph } from '../report-text.ts';
import { CHART_SIZE } from '../charts/chart-spec.ts';
import { TABLE_LAYOUT } from './document-frame.ts';

/** A chart drawn for the report: its caption and its SVG. */
export interface DrawnChart {
  caption: string;
  svg: string;
}

/** Key of a section's chart in the drawn charts: `section:<index>:<chart>`. */
export function sectionChartKey(section: number, chart: number): string {
  return `section:${section}:${chart}`;
}

// An amount, a percentage or a number with a short unit (`4,2 s`, `€1,234.56`, `12 %`):
// right-aligned, so the digits line up.
const NUMERIC = /^[+\-−]?\s?[€$£]?\s?[+\-−]?\d[\d.,\s\u00a0\u202f]*\s?([%€$£]|[A-Za-zµ]{1,3})?$/;

/** True for a cell written as a number (aligned right). */
export function isNumericCell(text: string): boolean {
  return NUMERIC.test(text);
}

/** A table cell: cleaned, cut to `maxCharacters`, numbers right-aligned. */
export function tableCell(text: string, maxCharacters: number): TableCell {
  let cell = cleanLine(text);
  if (cell.length > maxCharacters) cell = `${cell.slice(0, maxCharacters - 1)}…`;
  return { text: cell, style: 'tableCell', alignment: isNumericCell(cell) ? 'right' : 'left' };
}

/** A table whose header row repeats on each page it spans. */
export function tableBlock(table: ReportTable, maxCellCharacters: number): Content {
  const columns = table.columns.length;
  const fontSize = columns > 6 ? 7.5 : 9;
  // A column's heading is aligned like most of its first cells.
  const sample = table.rows.slice(0, 50);
  const numericColumn = (column: number): boolean =>
    sample.length > 0 && sample.filter((row) => isNumericCell(cleanLine(row[column] ?? ''))).length * 2 > sample.length;
  const header: TableCell[] = table.columns.map((column, index) => ({
    text: cleanLine(column),
    style: 'tableHeader',
    fontSize,
    alignment: numericColumn(index) ? 'right' : 'left',
  }));
  const body: TableCell[][] = [header];
  for (const row of table.rows) {
    const cells: TableCell[] = [];
    for (let i = 0; i < columns; i += 1) {
      const cell = tableCell(row[i] ?? '', maxCellCharacters) as { fontSize?: number };
      cell.fontSize = fontSize;
      cells.push(cell);
    }
    body.push(cells);
  }
  return {
    table: { headerRows: 1, widths: Array.from({ length: columns }, () => '*'), body },
    layout: TABLE_LAYOUT,
    margin: [0, 4, 0, 10],
  };
}

/** A chart with its caption, never split over two pages. */
export function chartBlock(chart: DrawnChart): Content {
  return {
    unbreakable: true,
    stack: [
      ...(chart.caption === '' ? [] : [{ text: chart.caption, style: 'caption' }]),
      { svg: chart.svg, width: CHART_SIZE.width + 40, alignment: 'center', margin: [0, 0, 0, 10] },
    ],
  };
}

/** A section: its numbered heading, paragraphs, table and charts. */
export function sectionBlocks(
  section: ReportSection,
  index: number,
  number: number,
  charts: ReadonlyMap<string, DrawnChart>,
  maxCellCharacters: number,
): Content[] {
  const blocks: Content[] = [{ text: `${number}. ${cleanLine(section.heading)}`, style: 'heading', headlineLevel: 1 }];
  for (const paragraph of section.paragraphs) {
    const text = cleanParagraph(paragraph);
    if (text !== '') blocks.push({ text, style: 'paragraph' });
  }
  if (section.table !== null) blocks.push(tableBlock(section.table, maxCellCharacters));
  section.charts.forEach((_chart, chartIndex) => {
    const drawn = charts.get(sectionChartKey(index, chartIndex));
    if (drawn !== undefined) blocks.push(chartBlock(drawn));
  });
  return blocks;
}

/** The blocks of every section, numbered from `firstNumber`; the empty-report note when there is nothing. */
export function allSectionBlocks(
  sections: readonly ReportSection[],
  charts: ReadonlyMap<string, DrawnChart>,
  labels: ReportLabels,
  options: { firstNumber: number; maxCellCharacters: number; emptyNote: boolean },
): Content[] {
  if (sections.length === 0) return options.emptyNote ? [{ text: labels.emptyReport, style: 'empty' }] : [];
  return sections.flatMap((section, index) =>
    sectionBlocks(section, index, options.firstNumber + index, charts, options.maxCellCharacters),
  );
}
