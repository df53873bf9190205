import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTelemetry } from '../../../../services/lib/telemetry.ts';
import { endpoints, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';

interface JaegerTraces {
  data: { traceID: string; spans: { operationName: string }[] }[] | null;
}

test('a span exported over OTLP is found through the Jaeger query API', async () => {
  const serviceName = uniqueName('sedano-test-tracing');
  const { otlpEndpoint, jaegerQueryUrl } = endpoints();
  const telemetry = startTelemetry({ serviceName, otlpEndpoint });
  const traceId = telemetry.tracer.startActiveSpan('test span', (span) => {
    span.setAttribute('sedano.test', true);
    span.end();
    return span.spanContext().traceId;
  });
  await telemetry.shutdown();

  const found = await waitFor(
    async () => {
      const response = await fetch(`${jaegerQueryUrl}/api/traces?service=${encodeURIComponent(serviceName)}&limit=5`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as JaegerTraces;
      return body.data?.find((item) => item.traceID === traceId);
    },
    { description: `trace ${traceId} of ${serviceName} in Jaeger` },
  );
  assert.deepEqual(
    found.spans.map((span) => span.operationName),
    ['test span'],
  );
});
