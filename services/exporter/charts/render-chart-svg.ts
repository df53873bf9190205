/**
 * A report chart drawn to SVG without a browser or canvas: Vega-Lite compiles the spec,
 * a headless Vega view (renderer `none`) renders it to an SVG string, which pdfmake embeds
 * as vector graphics. Vega measures text by estimate when no canvas is installed, which is
 * close enough for axis labels at these sizes.
 */
import { parse, View, type ViewOptions } from 'vega';
import { compile } from 'vega-lite';
import type { ReportChart } from '../../../schemas/report-chart.ts';
import type { ReportLanguage } from '../report-language.ts';
import { chartData, type MissingPoint } from './chart-data.ts';
import { chartNumberLocale } from './chart-locale.ts';
import { chartSpec } from './chart-spec.ts';

export interface ChartRenderOptions {
  language: ReportLanguage;
  /** ISO 4217 code of amounts on a CURRENCY chart. */
  currency: string;
  /** Font family the SVG names; the PDF maps it to its embedded font. */
  font: string;
  /** Names the chart in errors, e.g. `section 2, chart 1`. */
  where: string;
  /** Points without a value, left out. */
  missing?: MissingPoint;
}

/** The chart as an SVG document; throws SEDANO_ERR_EXPORT_CHART_INVALID for a chart that cannot be drawn. */
export async function renderChartSvg(chart: ReportChart, options: ChartRenderOptions): Promise<string> {
  const data = chartData(chart, options.where, options.missing);
  const { spec } = compile(chartSpec(chart, data, options.font));
  // Vega reads `locale` as a locale definition ({ number, time }); its typings say formatters.
  const locale = { number: chartNumberLocale(options.language, options.currency) } as unknown as ViewOptions['locale'];
  const view = new View(parse(spec), { renderer: 'none', locale });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
