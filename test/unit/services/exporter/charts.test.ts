import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReportChart } from '../../../../schemas/report-chart.ts';
import { chartData } from '../../../../services/exporter/charts/chart-data.ts';
import { renderChartSvg } from '../../../../services/exporter/charts/render-chart-svg.ts';
import { isSedanoError } from '../../../../services/lib/errors.ts';

const chart: ReportChart = {
  kind: 'BAR',
  title: 'Ricavi',
  categories: ['2023', '2024'],
  series: [
    { name: 'Ricavi', values: [1200, 1350] },
    { name: 'Costi', values: [900, 1000] },
  ],
  xAxisLabel: 'Anno',
  yAxisLabel: 'Euro',
  valueFormat: 'CURRENCY',
};

function assertChartError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isSedanoError(error));
    assert.equal(error.code, 'SEDANO_ERR_EXPORT_CHART_INVALID');
    assert.equal(error.retriable, false);
    assert.match(error.message, pattern);
    return true;
  });
}

test('a chart becomes one point per series and category, in order', () => {
  const data = chartData(chart, 'section 1 chart 1');
  assert.equal(data.length, 4);
  assert.deepEqual(data[1], { category: '2024', series: 'Ricavi', value: 1350, order: 1 });
});

test('a series with more or fewer values than categories fails with a code naming the chart and the series', () => {
  const mismatched = { ...chart, series: [chart.series[0]!, { name: 'Costi', values: [900] }] };
  assertChartError(
    () => chartData(mismatched, 'section 2 chart 1'),
    /section 2 chart 1 \("Ricavi"\).*series "Costi" has 1 values for 2 categories/,
  );
});

test('a chart without categories or series, or with a value that is not a number, fails with the code', () => {
  assertChartError(() => chartData({ ...chart, categories: [], series: [] }, 'c'), /no categories/);
  assertChartError(() => chartData({ ...chart, series: [] }, 'c'), /no series/);
  assertChartError(
    () => chartData({ ...chart, series: [{ name: 'x', values: [1, Number.POSITIVE_INFINITY] }] }, 'c'),
    /not a number/,
  );
});

test('missing points are left out', () => {
  const data = chartData(chart, 'c', (series, position) => series === 1 && position === 0);
  assert.equal(data.length, 3);
});

test('a chart renders to SVG without a canvas, with its labels and axis amounts in the locale', async () => {
  const svg = await renderChartSvg(chart, { language: 'it', currency: 'EUR', font: 'Roboto', where: 'c' });
  assert.match(svg, /^<svg/);
  assert.match(svg, /Anno/);
  assert.match(svg, /font-family="Roboto/);
  assert.match(svg, /1\.400\u00a0€|1\.200\u00a0€|1\.000\u00a0€/, 'an Italian amount on the y axis');
  const line = await renderChartSvg(
    { ...chart, kind: 'LINE', valueFormat: 'PERCENT' },
    {
      language: 'en',
      currency: 'EUR',
      font: 'Roboto',
      where: 'c',
    },
  );
  assert.match(line, /<path/);
  assert.match(line, /%</);
});
