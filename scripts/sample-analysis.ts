/**
 * The sample analysis run of `npm start`, after the sample indexing, through the running
 * system's gateway: one FINANCIAL job over the indexed KPI and results samples (read back from
 * the `samples` collection), and one SENTIMENT job over the feedback samples (read as
 * references), each followed with `GET /v1/jobs/:id/events` until it ends; then what they found.
 */
import type { JobView } from '../services/lib/status-view.ts';
import { gatewayEvents, gatewayRequest, type GatewayTarget } from './ctl/gateway-client.ts';
import { SAMPLE_COLLECTION } from './sample-indexing.ts';

export interface SampleAnalysisOptions {
  gateway: GatewayTarget;
  print?: (line: string) => void;
}

type AnalysisResultView = Extract<NonNullable<JobView['result']>, { kind: 'sedano.AnalysisResult' }>;

async function runJob(
  gateway: GatewayTarget,
  payload: Record<string, unknown>,
  print: (line: string) => void,
): Promise<AnalysisResultView> {
  const { jobId, eventsUrl } = await gatewayRequest<{ jobId: string; eventsUrl: string }>(gateway, 'POST', '/v1/jobs', {
    stage: 'analysis',
    payload,
  });
  print(`analysis job ${jobId} (${String(payload['analysisType']).toLowerCase()})`);
  let final: JobView | undefined;
  for await (const event of gatewayEvents(gateway, eventsUrl)) final = JSON.parse(event.data) as JobView;
  const result = final?.result;
  if (final?.state !== 'SUCCESS' || result?.kind !== 'sedano.AnalysisResult') {
    throw new Error(
      `the analysis job ended ${final?.state ?? 'without a status'}: ${final?.error?.message ?? 'no result'}`,
    );
  }
  for (const failure of result.failed) print(`  failed ${failure.source}: ${failure.code} ${failure.reason}`);
  return result;
}

/** Runs the sample analysis (see the module comment); throws unless both jobs succeed. */
export async function runSampleAnalysis({ gateway, print = console.log }: SampleAnalysisOptions): Promise<void> {
  const financial = await runJob(
    gateway,
    {
      analysisType: 'FINANCIAL',
      collection: SAMPLE_COLLECTION,
      documentIds: ['it-results.pdf', 'en-kpi.csv'],
    },
    print,
  );
  for (const document of financial.documents) {
    const metrics = document.financial?.metrics.filter((metric) => metric.formula !== null) ?? [];
    print(`  ${document.documentId} (${document.language ?? '?'}): periods ${document.financial?.periods.join(', ')}`);
    for (const metric of metrics.slice(-3)) {
      print(`    ${metric.name} ${metric.period ?? ''} = ${metric.value}${metric.unit ?? ''}  (${metric.formula})`);
    }
  }
  const sentiment = await runJob(
    gateway,
    { analysisType: 'SENTIMENT', documents: [{ uri: 'en-feedback.txt' }, { uri: 'it-feedback.txt' }] },
    print,
  );
  for (const document of sentiment.documents) {
    const { label, score, confidence } = document.sentiment ?? { label: '-', score: 0, confidence: 0 };
    print(`  ${document.documentId} (${document.language ?? '?'}): ${label} ${score} (confidence ${confidence})`);
  }
}
