import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSmokeFlow } from '../../../../services/smoke/smoke-flow.ts';
import { startTelemetry } from '../../../../services/lib/telemetry.ts';
import { endpoints, kafkaClient, onCleanup, schemaRegistry, testNames } from '../../../support/resources.ts';

test('the smoke flow produces an Avro event and reads it back with its trace context', async (t) => {
  const telemetry = startTelemetry({ serviceName: 'sedano-test-smoke', otlpEndpoint: endpoints().otlpEndpoint });
  onCleanup(t, () => telemetry.shutdown());
  const result = await runSmokeFlow({
    kafka: kafkaClient(),
    registry: schemaRegistry(),
    names: testNames(),
    tracer: telemetry.tracer,
    timeoutMs: 30_000,
  });
  assert.equal(result.event.message, 'hello from sedano');
  assert.ok(result.schemaId > 0);
  assert.match(result.traceId, /^[0-9a-f]{32}$/);
});
