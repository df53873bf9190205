/**
 * Runs once before the test files (node --test --test-global-setup): provides the
 * infrastructure, exports its endpoints to every test process, and applies topology/ (topics and subjects).
 */
import { resolveEndpoints } from '../services/lib/endpoints.ts';
import { createKafkaClient } from '../services/lib/kafka.ts';
import { createSchemaRegistry } from '../services/lib/schema-registry.ts';
import { applyDeclaredTopology } from '../topology/apply.ts';
import { provideInfrastructure } from './support/infrastructure.ts';

let release: (() => Promise<void>) | undefined;

export async function globalSetup(): Promise<void> {
  const started = Date.now();
  const infrastructure = await provideInfrastructure();
  release = infrastructure.release;
  // Test files run in child processes, which inherit this environment.
  Object.assign(process.env, infrastructure.env);
  const endpoints = resolveEndpoints();
  const admin = await createKafkaClient({ brokers: endpoints.kafkaBrokers, clientId: 'sedano-test-setup' }).admin();
  try {
    const { topics, schemas } = await applyDeclaredTopology({
      admin,
      registry: createSchemaRegistry(endpoints.schemaRegistryUrl),
      registryUrl: endpoints.schemaRegistryUrl,
      replicationFactor: 1,
    });
    console.log(
      `test infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(${Object.entries(infrastructure.sources)
          .map(([name, source]) => `${name}: ${source}`)
          .join(', ')}; ` +
        `topology: ${topics.changes.length + schemas.changes.length} change(s))`,
    );
  } finally {
    await admin.close();
  }
}

export async function globalTeardown(): Promise<void> {
  await release?.();
}
