/**
 * The smoke check (`npm run smoke`): runs the smoke flow once against the configured
 * infrastructure, prints what happened and a link to the trace, and exits non-zero if anything
 * failed. Settings: the shared base (services/lib/settings.ts).
 */
import { runService } from '../lib/service-kit.ts';
import { createSchemaRegistry } from '../lib/schema-registry.ts';
import { baseSettings } from '../lib/settings.ts';
import { runSmokeFlow } from './smoke-flow.ts';

await runService(
  {
    name: 'smoke',
    settings: baseSettings,
    async start(kit) {
      try {
        const result = await runSmokeFlow({
          kafka: kit.kafka(),
          registry: createSchemaRegistry(kit.settings.schemaRegistryUrl),
          names: kit.names,
          tracer: kit.telemetry.tracer,
          timeoutMs: 30_000,
        });
        console.log(
          `smoke: event ${result.event.id} produced as Avro (schema id ${result.schemaId}, Confluent framing) ` +
            `and consumed back from partition ${result.partition} offset ${result.offset} in ${result.roundTripMs} ms`,
        );
        console.log(`smoke: trace ${kit.settings.jaegerQueryUrl}/trace/${result.traceId}`);
      } catch (error) {
        console.error(`smoke: failed: ${(error as Error).message}`);
        process.exitCode = 1;
      }
      await kit.shutdown();
    },
  },
  process.env,
);
