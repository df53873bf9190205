/**
 * A report chart checked and flattened into the rows a Vega-Lite spec reads (pure). Every
 * series must have exactly one value per category: a chart whose series do not line up with
 * its categories cannot be drawn truthfully, so it fails the job with a code naming the
 * chart and the series rather than being drawn with values under the wrong labels.
 */
import type { ReportChart } from '../../../schemas/report-chart.ts';
import { SedanoError } from '../../lib/errors.ts';
import { cleanLine } from '../report-text.ts';

/** One point of a chart: a category, a series and its value. */
export interface ChartDatum {
  category: string;
  series: string;
  value: number;
  /** Position of the category, so the x axis keeps the given order. */
  order: number;
}

/** Most categories and series a chart may have: beyond them no label stays readable on a page. */
export const CHART_LIMITS = { categories: 60, series: 12 } as const;

function invalid(where: string, why: string): SedanoError {
  return new SedanoError('SEDANO_ERR_EXPORT_CHART_INVALID', `${where}: ${why}`, { retriable: false });
}

/** Tells a point that has no value (a KPI missing in a period): it is left out of the chart. */
export type MissingPoint = (series: number, position: number) => boolean;

/**
 * The chart's points, less the `missing` ones; throws SEDANO_ERR_EXPORT_CHART_INVALID (not
 * retriable) for a chart that cannot be drawn.
 */
export function chartData(chart: ReportChart, where: string, missing?: MissingPoint): ChartDatum[] {
  const name = chart.title === '' ? where : `${where} ("${cleanLine(chart.title)}")`;
  if (chart.categories.length === 0) throw invalid(name, 'has no categories');
  if (chart.series.length === 0) throw invalid(name, 'has no series');
  if (chart.categories.length > CHART_LIMITS.categories) {
    throw invalid(name, `has ${chart.categories.length} categories, more than ${CHART_LIMITS.categories}`);
  }
  if (chart.series.length > CHART_LIMITS.series) {
    throw invalid(name, `has ${chart.series.length} series, more than ${CHART_LIMITS.series}`);
  }
  const data: ChartDatum[] = [];
  chart.series.forEach((series, index) => {
    const seriesName = cleanLine(series.name) || `#${index + 1}`;
    if (series.values.length !== chart.categories.length) {
      throw invalid(
        name,
        `series "${seriesName}" has ${series.values.length} values for ${chart.categories.length} categories`,
      );
    }
    series.values.forEach((value, order) => {
      if (missing?.(index, order) === true) return;
      if (!Number.isFinite(value)) throw invalid(name, `series "${seriesName}" has a value that is not a number`);
      data.push({ category: cleanLine(chart.categories[order]!), series: seriesName, value, order });
    });
  });
  return data;
}
