/**
 * The `financial` template (pure): a title page, the KPI summary per period, the change of
 * each figure on the previous period with up and down marks (percentages change in points),
 * a bar chart of the amounts marked BAR (revenue) and a line chart of those marked LINE
 * (margins), then the request's own sections. Amounts are written in the report's locale.
 */
import type { Content, TableCell } from '../pdf-document.ts';
import type { ReportFinancials } from '../../../schemas/report-financials.ts';
import type { ReportKpi } from '../../../schemas/report-kpi.ts';
import type { ReportChartKind } from '../../../schemas/report-chart-kind.ts';
import type { ReportContent } from '../report-content.ts';
import { SIGN_FONT } from '../report-fonts.ts';
import { REPORT_LABELS, type ReportLabels } from '../report-labels.ts';
import { cleanLine } from '../report-text.ts';
import { createValueFormatter, growthPercent, type ValueFormatter } from '../value-format.ts';
import { COLOURS, documentFrame, TABLE_LAYOUT, titlePage } from './document-frame.ts';
import { sectionChartRequests } from './default-template.ts';
import { type ChartRequest, type ReportLayout } from './report-layout.ts';
import { allSectionBlocks, chartBlock, type DrawnChart } from './section-blocks.ts';

/** Periods the tables show (the latest ones): more columns would not fit an A4 page. */
export const MAX_TABLE_PERIODS = 6;

/** The financials, if they hold at least one period and one figure. */
function usableFinancials(content: ReportContent): ReportFinancials | undefined {
  const financials = content.financials;
  return financials !== null && financials.periods.length > 0 && financials.kpis.length > 0 ? financials : undefined;
}

function valueOf(kpi: ReportKpi, position: number): number | null {
  return kpi.missing.includes(position) ? null : (kpi.values[position] ?? null);
}

export function kpiChartKey(kind: ReportChartKind): string {
  return `kpis:${kind}`;
}

function kpiChart(content: ReportContent, financials: ReportFinancials, kind: ReportChartKind): ChartRequest[] {
  const kpis = financials.kpis.filter((kpi) => kpi.chart === kind);
  if (kpis.length === 0) return [];
  const labels = REPORT_LABELS[content.language];
  const names = kpis.map((kpi) => cleanLine(kpi.name));
  return [
    {
      key: kpiChartKey(kind),
      where: `the ${kind === 'BAR' ? 'bar' : 'line'} chart of ${names.join(', ')}`,
      chart: {
        kind,
        title: labels.byPeriod(names.join(', ')),
        categories: financials.periods,
        series: kpis.map((kpi) => ({ name: kpi.name, values: kpi.values })),
        xAxisLabel: labels.period,
        yAxisLabel: '',
        valueFormat: kpis[0]!.format,
      },
      missing: (series, position) => kpis[series]!.missing.includes(position),
    },
  ];
}

function headerCells(texts: string[]): TableCell[] {
  return texts.map((text, index) => ({ text, style: 'tableHeader', alignment: index === 0 ? 'left' : 'right' }));
}

function summaryTable(
  financials: ReportFinancials,
  shown: number[],
  labels: ReportLabels,
  format: ValueFormatter,
): Content {
  const body: TableCell[][] = [headerCells([labels.indicator, ...shown.map((p) => cleanLine(financials.periods[p]!))])];
  for (const kpi of financials.kpis) {
    body.push([
      { text: cleanLine(kpi.name), style: 'tableCell', bold: true },
      ...shown.map((p) => ({
        text: format.format(valueOf(kpi, p), kpi.format),
        style: 'tableCell',
        alignment: 'right',
      })),
    ]);
  }
  return { table: { headerRows: 1, widths: ['*', ...shown.map(() => 'auto' as const)], body }, layout: TABLE_LAYOUT };
}

function changeCell(kpi: ReportKpi, position: number, format: ValueFormatter): TableCell {
  const previous = valueOf(kpi, position - 1);
  const current = valueOf(kpi, position);
  const change =
    kpi.format === 'PERCENT'
      ? format.points(previous === null || current === null ? null : current - previous)
      : format.growth(growthPercent(previous, current));
  const colour = change.mark === '▲' ? COLOURS.up : change.mark === '▼' ? COLOURS.down : COLOURS.muted;
  return {
    text: [
      ...(change.mark === '' ? [] : [{ text: `${change.mark} `, font: SIGN_FONT, fontSize: 7, color: colour }]),
      { text: change.text, color: change.mark === '' ? COLOURS.muted : colour },
    ],
    style: 'tableCell',
    alignment: 'right',
  };
}

function growthTable(
  financials: ReportFinancials,
  shown: number[],
  labels: ReportLabels,
  format: ValueFormatter,
): Content {
  const pairs = shown.filter((p) => p > 0);
  const headings = pairs.map((p) => `${cleanLine(financials.periods[p]!)} vs ${cleanLine(financials.periods[p - 1]!)}`);
  const body: TableCell[][] = [headerCells([labels.indicator, ...headings])];
  for (const kpi of financials.kpis) {
    body.push([
      { text: cleanLine(kpi.name), style: 'tableCell', bold: true },
      ...pairs.map((p) => changeCell(kpi, p, format)),
    ]);
  }
  return { table: { headerRows: 1, widths: ['*', ...pairs.map(() => 'auto' as const)], body }, layout: TABLE_LAYOUT };
}

function financialBlocks(
  content: ReportContent,
  financials: ReportFinancials,
  charts: ReadonlyMap<string, DrawnChart>,
): { blocks: Content[]; headings: string[] } {
  const labels = REPORT_LABELS[content.language];
  const format = createValueFormatter(content.language, financials.currency, labels.notAvailable);
  const first = Math.max(0, financials.periods.length - MAX_TABLE_PERIODS);
  const shown = financials.periods.map((_period, index) => index).slice(first);
  const headings: string[] = [];
  const blocks: Content[] = [];
  const heading = (text: string): void => {
    headings.push(`${headings.length + 1}. ${text}`);
    blocks.push({ text: headings.at(-1)!, style: 'heading', headlineLevel: 1 });
  };
  heading(labels.kpiSummary);
  blocks.push({ text: labels.kpiSummaryIntro, style: 'intro' }, summaryTable(financials, shown, labels, format));
  if (financials.periods.length > 1) {
    heading(labels.growth);
    blocks.push({ text: labels.growthIntro, style: 'intro' }, growthTable(financials, shown, labels, format));
  }
  const drawn = (['BAR', 'LINE'] as const).flatMap((kind) => charts.get(kpiChartKey(kind)) ?? []);
  if (drawn.length > 0) {
    heading(labels.charts);
    blocks.push(...drawn.map(chartBlock));
  }
  return { blocks, headings };
}

export const financialTemplate: ReportLayout = {
  charts(content) {
    const financials = usableFinancials(content);
    const own =
      financials === undefined
        ? []
        : [...kpiChart(content, financials, 'BAR'), ...kpiChart(content, financials, 'LINE')];
    return [...own, ...sectionChartRequests(content)];
  },
  document(content, charts, options) {
    const labels = REPORT_LABELS[content.language];
    const financials = usableFinancials(content);
    const own = financials === undefined ? { blocks: [], headings: [] } : financialBlocks(content, financials, charts);
    const sectionHeadings = content.sections.map(
      (section, index) => `${own.headings.length + index + 1}. ${cleanLine(section.heading)}`,
    );
    return documentFrame(content, [
      ...titlePage(content, labels, labels.financialReport, [...own.headings, ...sectionHeadings]),
      ...own.blocks,
      ...allSectionBlocks(content.sections, charts, labels, {
        firstNumber: own.headings.length + 1,
        maxCellCharacters: options.maxCellCharacters,
        emptyNote: financials === undefined,
      }),
    ]);
  },
};
