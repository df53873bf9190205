/**
 * The Vega-Lite spec of a report chart (pure): grouped bars or lines over the chart's
 * categories, in the report's font and palette, with the y axis written in the chart's
 * value format (amounts with the currency where the report's locale puts it: the view's
 * number locale, chart-locale.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportChart } from '../../../schemas/report-chart.ts';
import { cleanLine } from '../report-text.ts';
import type { ChartDatum } from './chart-data.ts';

/** Colours of the series, in order: a restrained palette that prints well in grey too. */
export const CHART_PALETTE = ['#1f4e79', '#c0504d', '#4f9a94', '#e0a526', '#7f6a93', '#6b8e23', '#8c564b', '#5b9bd5'];

/** Size of a chart in points (the PDF's unit; Vega's pixels map one to one). */
export const CHART_SIZE = { width: 440, height: 210 } as const;

function yAxisFormat(chart: ReportChart): Record<string, unknown> {
  if (chart.valueFormat === 'CURRENCY') return { format: '$,.0f' };
  // Values are in percent already (12.5 for 12.5%): the sign is appended, not multiplied in
  // (as Intl writes it in both languages: `12,5%`, `12.5%`).
  if (chart.valueFormat === 'PERCENT') return { labelExpr: "format(datum.value, ',.1~f') + '%'" };
  return { format: ',.2~f' };
}

/** The chart's spec, drawing `data` (chartData's points, checked). */
export function chartSpec(chart: ReportChart, data: ChartDatum[], font: string): TopLevelSpec {
  const categories = chart.categories.map(cleanLine);
  const series = [...new Set(data.map((datum) => datum.series))];
  const many = series.length > 1;
  const longLabels = categories.length > 8 || categories.some((category) => category.length > 12);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_SIZE.width,
    height: CHART_SIZE.height,
    background: 'white',
    padding: 4,
    config: {
      font,
      view: { stroke: null },
      axis: {
        labelFontSize: 9,
        titleFontSize: 9,
        titleFontWeight: 'normal',
        titleColor: '#4b5563',
        labelColor: '#374151',
        domainColor: '#9ca3af',
        tickColor: '#9ca3af',
        gridColor: '#e5e7eb',
      },
      legend: { labelFontSize: 9, orient: 'bottom', title: null, symbolSize: 80 },
    },
    data: { values: data },
    mark:
      chart.kind === 'LINE'
        ? { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 2 }
        : { type: 'bar', cornerRadiusEnd: 1.5 },
    encoding: {
      x: {
        field: 'category',
        type: 'ordinal',
        sort: categories,
        title: cleanLine(chart.xAxisLabel) || null,
        axis: { labelAngle: longLabels ? -40 : 0, labelLimit: 90, grid: false },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: cleanLine(chart.yAxisLabel) || null,
        axis: { ...yAxisFormat(chart), tickCount: 6 },
      },
      color: {
        field: 'series',
        type: 'nominal',
        sort: series,
        scale: { range: CHART_PALETTE },
        legend: many ? {} : null,
      },
      ...(chart.kind === 'BAR' && many ? { xOffset: { field: 'series', sort: series } } : {}),
    },
  };
}
