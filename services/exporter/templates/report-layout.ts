/** What a template is (pure): the charts it needs drawn, then the document it lays out. */
import type { DocumentDefinition } from '../pdf-document.ts';
import type { ReportChart } from '../../../schemas/report-chart.ts';
import type { MissingPoint } from '../charts/chart-data.ts';
import type { ReportContent } from '../report-content.ts';
import type { DrawnChart } from './section-blocks.ts';

/** A chart a template needs drawn before layout. */
export interface ChartRequest {
  /** Where the drawn chart is found again in the layout. */
  key: string;
  chart: ReportChart;
  /** Names the chart in errors. */
  where: string;
  missing?: MissingPoint;
}

export interface ReportLayout {
  /** The charts to draw, in report order. */
  charts(content: ReportContent): ChartRequest[];
  /** The document, with the charts drawn (by key). */
  document(
    content: ReportContent,
    charts: ReadonlyMap<string, DrawnChart>,
    options: { maxCellCharacters: number },
  ): DocumentDefinition;
}

/** The currency of a report's amounts. */
export function reportCurrency(content: ReportContent): string {
  return content.financials?.currency ?? 'EUR';
}
