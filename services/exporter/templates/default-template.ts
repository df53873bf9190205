/**
 * The `default` template (pure): a title page with the contents, then the sections with
 * their paragraphs, tables and charts; page X of N on every page after the title.
 */
import { cleanLine } from '../report-text.ts';
import { REPORT_LABELS } from '../report-labels.ts';
import type { ReportContent } from '../report-content.ts';
import { documentFrame, titlePage } from './document-frame.ts';
import type { ChartRequest, ReportLayout } from './report-layout.ts';
import { allSectionBlocks, sectionChartKey } from './section-blocks.ts';

/** The charts of the content's sections. */
export function sectionChartRequests(content: ReportContent): ChartRequest[] {
  return content.sections.flatMap((section, index) =>
    section.charts.map((chart, chartIndex) => ({
      key: sectionChartKey(index, chartIndex),
      chart,
      where: `section ${index + 1} chart ${chartIndex + 1}`,
    })),
  );
}

export const defaultTemplate: ReportLayout = {
  charts: sectionChartRequests,
  document(content, charts, options) {
    const labels = REPORT_LABELS[content.language];
    const contents = content.sections.map((section, index) => `${index + 1}. ${cleanLine(section.heading)}`);
    return documentFrame(content, [
      ...titlePage(content, labels, 'Report', contents.length > 1 ? contents : []),
      ...allSectionBlocks(content.sections, charts, labels, {
        firstNumber: 1,
        maxCellCharacters: options.maxCellCharacters,
        emptyNote: true,
      }),
    ]);
  },
};
