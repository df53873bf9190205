/** Helpers of the export stage's integration tests: submitting export jobs, reading their PDFs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { getDocumentProxy, getResolvedPDFJS } from 'unpdf';
import { exportReportRequestContract, type ExportReportRequest } from '../../../../schemas/export-report-request.ts';
import type { Codec, SubjectBinding } from '../../../../services/lib/codec.ts';
import type { KafkaProducer } from '../../../../services/lib/kafka.ts';
import type { StageTopics } from '../../../../services/lib/runtime/stage-topics.ts';
import { testNames } from '../../../support/resources.ts';

/** Produces an export job to the sandbox's normal lane. */
export async function submitExport(
  sandbox: { codec: Codec; producer: KafkaProducer; topics: StageTopics },
  job: ExportReportRequest,
): Promise<ExportReportRequest> {
  const lane = sandbox.topics.lanes[1] ?? '';
  const binding: SubjectBinding<ExportReportRequest> = {
    subject: testNames().valueSubject(lane),
    contract: exportReportRequestContract,
    compatibility: 'FULL_TRANSITIVE',
  };
  await sandbox.producer.send(lane, [await sandbox.codec.toMessage(binding, job.header.jobId, job)]);
  return job;
}

/** A temporary directory removed when the test ends. */
export function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Per page of a PDF: its text and how many vector paths it draws (a chart draws dozens). */
export async function pdfPages(bytes: Uint8Array): Promise<{ text: string; paths: number }[]> {
  const { OPS } = await getResolvedPDFJS();
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  try {
    const pages: { text: string; paths: number }[] = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      const operators = await page.getOperatorList();
      pages.push({
        text: content.items.map((item) => ('str' in item ? item.str : '')).join(' '),
        paths: operators.fnArray.filter((op) => op === OPS.constructPath).length,
      });
    }
    return pages;
  } finally {
    await pdf.loadingTask.destroy();
  }
}
