/**
 * What every template shares (pure): A4 pages with the report's fonts and styles, a title
 * page on a coloured band, a running header with the title, and a footer with the date and
 * "page X of N" on every page after the first.
 */
import type { Content, CustomTableLayout, DocumentDefinition, PageSize, Style } from '../pdf-document.ts';
import type { ReportContent } from '../report-content.ts';
import { REPORT_LABELS, type ReportLabels } from '../report-labels.ts';
import { TEXT_FONT } from '../report-fonts.ts';

/** The report's colours. */
export const COLOURS = {
  brand: '#1f4e79',
  brandLight: '#d6e4f0',
  text: '#1f2937',
  muted: '#6b7280',
  rule: '#d1d5db',
  stripe: '#f3f6fa',
  up: '#15803d',
  down: '#b91c1c',
} as const;

/** Page margins in points: left, top, right, bottom. */
export const PAGE_MARGINS: [number, number, number, number] = [56, 64, 56, 60];
const BAND_HEIGHT = 250;

export const STYLES: Record<string, Style> = {
  kicker: { fontSize: 11, color: COLOURS.brandLight },
  title: { fontSize: 28, bold: true, color: '#ffffff', lineHeight: 1.1 },
  dateLine: { fontSize: 10, color: COLOURS.muted },
  contentsHeading: { fontSize: 12, bold: true, color: COLOURS.brand, margin: [0, 28, 0, 8] },
  contentsEntry: { fontSize: 10, color: COLOURS.text, margin: [0, 2, 0, 2] },
  heading: { fontSize: 15, bold: true, color: COLOURS.brand, margin: [0, 16, 0, 8] },
  paragraph: { fontSize: 10, lineHeight: 1.35, color: COLOURS.text, margin: [0, 0, 0, 8] },
  intro: { fontSize: 9.5, italics: true, color: COLOURS.muted, margin: [0, 0, 0, 8] },
  tableHeader: { bold: true, color: '#ffffff', fontSize: 9 },
  tableCell: { fontSize: 9, color: COLOURS.text },
  caption: { fontSize: 10, bold: true, color: COLOURS.text, margin: [0, 10, 0, 4] },
  empty: { fontSize: 11, italics: true, color: COLOURS.muted, margin: [0, 24, 0, 0] },
};

/** Tables: a filled header row (repeated on every page), light stripes, horizontal rules only. */
export const TABLE_LAYOUT: CustomTableLayout = {
  fillColor: (row) => (row === 0 ? COLOURS.brand : row % 2 === 0 ? COLOURS.stripe : null),
  hLineWidth: (index, node) => (index === 0 || index === node.table.body.length ? 0.8 : 0.3),
  vLineWidth: () => 0,
  hLineColor: () => COLOURS.rule,
  paddingLeft: () => 6,
  paddingRight: () => 6,
  paddingTop: () => 4,
  paddingBottom: () => 4,
};

/** The report's date, written in its language (UTC, so every worker writes the same). */
export function reportDate(content: ReportContent): string {
  const locale = content.language === 'it' ? 'it-IT' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(content.dateMs));
}

function titleBand(currentPage: number, pageSize: PageSize): Content | null {
  if (currentPage !== 1) return null;
  return { canvas: [{ type: 'rect', x: 0, y: 0, w: pageSize.width, h: BAND_HEIGHT, color: COLOURS.brand }] };
}

/** The title page: kicker and title on the band, the date and the contents below it. */
export function titlePage(content: ReportContent, labels: ReportLabels, kicker: string, contents: string[]): Content[] {
  const title = content.title === '' ? kicker : content.title;
  return [
    {
      stack: [
        { text: kicker.toUpperCase(), style: 'kicker', margin: [0, 0, 0, 10] },
        { text: title, style: 'title' },
      ],
      // The band ends 250 pt down the page; the title sits at its foot, above the margin.
      margin: [0, 40, 0, 0],
      absolutePosition: { x: PAGE_MARGINS[0], y: 90 },
    },
    {
      text: `${labels.generatedOn} ${reportDate(content)}`,
      style: 'dateLine',
      absolutePosition: { x: PAGE_MARGINS[0], y: BAND_HEIGHT + 24 },
    },
    ...(contents.length === 0
      ? []
      : [
          { text: labels.contents, style: 'contentsHeading', margin: [0, BAND_HEIGHT - 4, 0, 8] } as Content,
          { stack: contents.map((entry) => ({ text: entry, style: 'contentsEntry' })) } as Content,
        ]),
    { text: '', pageBreak: 'after' },
  ];
}

/** A document with the frame around `body`. */
export function documentFrame(content: ReportContent, body: Content[]): DocumentDefinition {
  const labels = REPORT_LABELS[content.language];
  const runningTitle = content.title.length > 90 ? `${content.title.slice(0, 89)}…` : content.title;
  const date = reportDate(content);
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    language: content.language,
    info: {
      title: content.title,
      creator: 'sedano',
      producer: 'sedano exporter (pdfmake)',
      // A fixed date: a redelivered job renders the same bytes, so its checksum stays true.
      creationDate: new Date(content.dateMs),
      modDate: new Date(content.dateMs),
    },
    defaultStyle: { font: TEXT_FONT, fontSize: 10, color: COLOURS.text },
    styles: STYLES,
    background: titleBand,
    header: (currentPage) =>
      currentPage === 1
        ? null
        : {
            margin: [PAGE_MARGINS[0], 28, PAGE_MARGINS[2], 0],
            stack: [
              { text: runningTitle, fontSize: 8, color: COLOURS.muted },
              { canvas: [{ type: 'line', x1: 0, y1: 4, x2: 483, y2: 4, lineWidth: 0.5, lineColor: COLOURS.rule }] },
            ],
          },
    footer: (currentPage, pageCount) =>
      currentPage === 1
        ? null
        : {
            margin: [PAGE_MARGINS[0], 20, PAGE_MARGINS[2], 0],
            columns: [
              { text: date, fontSize: 8, color: COLOURS.muted },
              { text: labels.page(currentPage, pageCount), fontSize: 8, color: COLOURS.muted, alignment: 'right' },
            ],
          },
    content: body,
  };
}
