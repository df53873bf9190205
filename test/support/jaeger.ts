/** Reading traces back from the stack's Jaeger (its query API), for tracing tests. */
import { endpoints } from './resources.ts';
import { waitFor } from './wait.ts';

export interface JaegerSpan {
  spanID: string;
  operationName: string;
  /** The span's parent (CHILD_OF) first, when it has one. */
  references: { refType: string; spanID: string }[];
}

/** The spans of a trace once Jaeger has at least `count` of them, by operation name. */
export async function traceSpans(traceId: string, count: number): Promise<Map<string, JaegerSpan>> {
  const spans = await waitFor(
    async () => {
      const response = await fetch(`${endpoints().jaegerQueryUrl}/api/traces/${traceId}`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { data?: { spans: JaegerSpan[] }[] };
      const found = body.data?.[0]?.spans ?? [];
      return found.length >= count && found;
    },
    { description: `trace ${traceId} with ${count} spans in Jaeger` },
  );
  return new Map(spans.map((span) => [span.operationName, span]));
}
