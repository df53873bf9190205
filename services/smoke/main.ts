/**
 * Smoke service: runs the smoke flow once against the configured infrastructure, prints
 * what happened and a link to the trace, and exits non-zero if anything failed.
 */
import { resolveEndpoints } from '../lib/endpoints.ts';
import { createKafkaClient } from '../lib/kafka.ts';
import { createSchemaRegistry } from '../lib/schema-registry.ts';
import { startTelemetry } from '../lib/telemetry.ts';
import { runSmokeFlow } from './smoke-flow.ts';

const endpoints = resolveEndpoints();
const telemetry = startTelemetry({ serviceName: 'sedano-smoke', otlpEndpoint: endpoints.otlpEndpoint });
try {
  const result = await runSmokeFlow({
    kafka: createKafkaClient({ brokers: endpoints.kafkaBrokers, clientId: 'sedano-smoke' }),
    registry: createSchemaRegistry(endpoints.schemaRegistryUrl),
    tracer: telemetry.tracer,
    timeoutMs: 30_000,
  });
  console.log(
    `smoke: event ${result.event.id} produced as Avro (schema id ${result.schemaId}, Confluent framing) ` +
      `and consumed back from partition ${result.partition} offset ${result.offset} in ${result.roundTripMs} ms`,
  );
  console.log(`smoke: trace ${endpoints.jaegerQueryUrl}/trace/${result.traceId}`);
} catch (error) {
  console.error(`smoke: failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await telemetry.shutdown();
}
