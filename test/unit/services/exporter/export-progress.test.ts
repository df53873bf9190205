import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EXPORT_PROGRESS_TOTAL,
  estimatedPages,
  exportProgressReport,
  layoutFraction,
} from '../../../../services/exporter/export-progress.ts';
import type { ReportContent } from '../../../../services/exporter/report-content.ts';

test('each phase covers its span of the scale, clamped, with ExportProgress details', () => {
  assert.equal(exportProgressReport('content', 0, 'x').current, 0);
  assert.equal(exportProgressReport('charts', 1, 'x').current, 200);
  assert.equal(exportProgressReport('layout', 0.5, 'x').current, 425);
  assert.equal(exportProgressReport('writing', 2, 'x').current, EXPORT_PROGRESS_TOTAL);
  assert.equal(exportProgressReport('writing', Number.NaN, 'x').current, 650);
  assert.deepEqual(exportProgressReport('writing', 0.5, 'writing page 3 of 6', { page: 3, pages: 6 }).details, {
    'sedano.ExportProgress': { phase: 'writing', page: 3, pages: 6 },
  });
});

test('the page estimate grows with table rows and charts; the layout never claims its end early', () => {
  const content = (rows: number): ReportContent => ({
    title: 't',
    template: 'DEFAULT',
    language: 'en',
    financials: null,
    dateMs: 0,
    sections: [
      {
        heading: 'h',
        paragraphs: [],
        table: { columns: ['a'], rows: Array.from({ length: rows }, () => ['1']) },
        charts: [],
      },
    ],
  });
  assert.equal(estimatedPages(content(0), 0), 2);
  const long = estimatedPages(content(10_000), 0);
  assert.ok(long > 250 && long < 300, String(long));
  assert.ok(estimatedPages(content(0), 4) > estimatedPages(content(0), 0));
  assert.equal(layoutFraction(10, 20), 0.5);
  assert.equal(layoutFraction(30, 20), 0.95);
});
