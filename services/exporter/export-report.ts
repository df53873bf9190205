/**
 * One export job, start to end: the content (the request's sections and figures, or an
 * analysis job's result), the charts drawn to SVG, the pages laid out and drawn by pdfmake,
 * the file written to storage under the job's name. Progress is reported per phase and per
 * page; the result names the file with its size, SHA-256 and page count.
 *
 * The PDF is dated with the job's submission time, so a redelivered job renders the same
 * bytes and replaces the file with an identical one: the checksum in the result stays true.
 */
import type { ExportReportRequest } from '../../schemas/export-report-request.ts';
import type { ExportResult } from '../../schemas/export-result.ts';
import type { ReportSection } from '../../schemas/report-section.ts';
import type { ReportFinancials } from '../../schemas/report-financials.ts';
import { SedanoError } from '../lib/errors.ts';
import type { ProgressDetails } from '../lib/runtime/stage.ts';
import { analysisContent, analysisLanguages, type ReadJobResult, readAnalysisResult } from './analysis-report.ts';
import { renderChartSvg } from './charts/render-chart-svg.ts';
import { estimatedPages, type ExportPhase, exportProgressReport, layoutFraction } from './export-progress.ts';
import { renderPdf } from './pdf-renderer.ts';
import { type ReportContent, type ReportLimits, reportContent, reportLanguage } from './report-content.ts';
import { TEXT_FONT } from './report-fonts.ts';
import { cleanLine } from './report-text.ts';
import { exportFileName, type ExportStorage } from './storage/export-storage.ts';
import { reportCurrency } from './templates/report-layout.ts';
import { reportTemplate } from './templates/report-templates.ts';
import type { DrawnChart } from './templates/section-blocks.ts';

export const PDF_CONTENT_TYPE = 'application/pdf';

export interface ExportReportDependencies {
  storage: ExportStorage;
  limits: ReportLimits;
  /** Reads an analysis job's state and result (the status view); needed for `analysisJobId`. */
  readJobResult?: ReadJobResult;
  /** The clock of the result's `createdAt` (default Date.now). */
  now?: () => number;
}

export interface ExportReportControl {
  signal: AbortSignal;
  progress: (current: number, total: number, message?: string | null, details?: ProgressDetails) => void;
}

async function resolveContent(
  request: ExportReportRequest,
  dependencies: ExportReportDependencies,
): Promise<ReportContent> {
  // An unknown template fails before any analysis is read.
  reportTemplate(request.template);
  let sections: readonly ReportSection[] = request.sections;
  let financials: ReportFinancials | null = request.financials;
  let contentLanguages: (string | null)[] = [];
  let language = request.language;
  if (request.analysisJobId !== null) {
    if (dependencies.readJobResult === undefined) {
      throw new SedanoError('SEDANO_ERR_EXPORT_ANALYSIS_NOT_FOUND', 'this exporter cannot read analysis results', {
        retriable: false,
      });
    }
    const result = await readAnalysisResult(request.analysisJobId, dependencies.readJobResult);
    contentLanguages = analysisLanguages(result);
    // Settled before the analysis' sections (written in it) are added, and kept for the layout.
    const settled = reportLanguage({ language: request.language, contentLanguages, title: request.title, sections });
    language = settled;
    const fromAnalysis = analysisContent(result, settled);
    // The request's own sections come after what the analysis found; its figures, if any, win.
    sections = [...fromAnalysis.sections, ...sections];
    financials ??= fromAnalysis.financials;
  }
  return reportContent(
    {
      title: request.title,
      template: request.template,
      sections,
      financials,
      language,
      contentLanguages,
      dateMs: request.header.submittedAt,
    },
    dependencies.limits,
  );
}

async function drawCharts(
  content: ReportContent,
  report: (phase: ExportPhase, fraction: number, message: string) => void,
  signal: AbortSignal,
): Promise<Map<string, DrawnChart>> {
  const requests = reportTemplate(content.template).charts(content);
  const drawn = new Map<string, DrawnChart>();
  for (const [index, request] of requests.entries()) {
    signal.throwIfAborted();
    report('charts', index / requests.length, `drawing chart ${index + 1} of ${requests.length}`);
    const svg = await renderChartSvg(request.chart, {
      language: content.language,
      currency: reportCurrency(content),
      font: TEXT_FONT,
      where: request.where,
      ...(request.missing === undefined ? {} : { missing: request.missing }),
    });
    drawn.set(request.key, { caption: cleanLine(request.chart.title), svg });
  }
  return drawn;
}

/** Renders and stores the report of one export job; throws coded errors (bad input: not retriable). */
export async function exportReport(
  jobId: string,
  request: ExportReportRequest,
  dependencies: ExportReportDependencies,
  control: ExportReportControl,
): Promise<ExportResult> {
  const { signal } = control;
  const report = (phase: ExportPhase, fraction: number, message: string, pages?: { page: number; pages: number }) => {
    const progress = exportProgressReport(phase, fraction, message, pages);
    control.progress(progress.current, progress.total, progress.message, progress.details);
  };
  const fileName = exportFileName(jobId);
  report('content', 0, 'processing content');
  const content = await resolveContent(request, dependencies);
  signal.throwIfAborted();
  const charts = await drawCharts(content, report, signal);
  report('layout', 0, 'laying out pages');
  signal.throwIfAborted();
  const definition = reportTemplate(content.template).document(content, charts, {
    maxCellCharacters: dependencies.limits.maxCellCharacters,
  });
  const estimate = estimatedPages(content, charts.size);
  const rendered = await renderPdf(definition, {
    laidOut: (page) => report('layout', layoutFraction(page, estimate), `laying out page ${page}`, { page, pages: 0 }),
    // Drawing the pages is most of writing; storing the file is the rest.
    drawn: (page, pages) =>
      report('writing', (page / pages) * 0.9, `writing page ${page} of ${pages}`, { page, pages }),
  });
  signal.throwIfAborted();
  report('writing', 0.9, 'storing the PDF', { page: rendered.pages, pages: rendered.pages });
  rendered.stream.end();
  const stored = await dependencies.storage.write(fileName, rendered.stream);
  return {
    fileUri: stored.uri,
    sizeBytes: stored.sizeBytes,
    sha256: stored.sha256,
    pages: rendered.pages,
    template: content.template,
    fileName: stored.name,
    contentType: PDF_CONTENT_TYPE,
    language: content.language,
    createdAt: (dependencies.now ?? Date.now)(),
  };
}
