/**
 * The sample analysis run of `npm start`, after the sample indexing, through the running
 * system's gateway: one FINANCIAL job over the indexed KPI and results samples (read back from
 * the `samples` collection), and one SENTIMENT job over the feedback samples (read as
 * references), each followed with `GET /v1/jobs/:id/events` until it ends; then what they found.
 */
import type { GatewayTarget } from './ctl/gateway-client.ts';
import { runSampleJob } from './sample-job.ts';
import { SAMPLE_COLLECTION } from './sample-indexing.ts';

export interface SampleAnalysisOptions {
  gateway: GatewayTarget;
  print?: (line: string) => void;
}

/** One analysis job of the sample run; its submission line names its type. */
function runAnalysis(gateway: GatewayTarget, payload: Record<string, unknown>, print: (line: string) => void) {
  const describe = ` (${String(payload['analysisType']).toLowerCase()})`;
  return runSampleJob(gateway, { stage: 'analysis', payload, resultKind: 'sedano.AnalysisResult', describe }, print);
}

/** Runs the sample analysis (see the module comment); throws unless both jobs succeed; resolves with the financial job's id. */
export async function runSampleAnalysis({ gateway, print = console.log }: SampleAnalysisOptions): Promise<string> {
  const financial = await runAnalysis(
    gateway,
    {
      analysisType: 'FINANCIAL',
      collection: SAMPLE_COLLECTION,
      documentIds: ['it-results.pdf', 'en-kpi.csv'],
    },
    print,
  );
  for (const failure of financial.result.failed) print(`  failed ${failure.source}: ${failure.code} ${failure.reason}`);
  for (const document of financial.result.documents) {
    const metrics = document.financial?.metrics.filter((metric) => metric.formula !== null) ?? [];
    print(`  ${document.documentId} (${document.language ?? '?'}): periods ${document.financial?.periods.join(', ')}`);
    for (const metric of metrics.slice(-3)) {
      print(`    ${metric.name} ${metric.period ?? ''} = ${metric.value}${metric.unit ?? ''}  (${metric.formula})`);
    }
  }
  const sentiment = await runAnalysis(
    gateway,
    { analysisType: 'SENTIMENT', documents: [{ uri: 'en-feedback.txt' }, { uri: 'it-feedback.txt' }] },
    print,
  );
  for (const failure of sentiment.result.failed) print(`  failed ${failure.source}: ${failure.code} ${failure.reason}`);
  for (const document of sentiment.result.documents) {
    const { label, score, confidence } = document.sentiment ?? { label: '-', score: 0, confidence: 0 };
    print(`  ${document.documentId} (${document.language ?? '?'}): ${label} ${score} (confidence ${confidence})`);
  }
  return financial.jobId;
}
