/**
 * Runs once before the test files (node --test --test-global-setup): provides the
 * infrastructure, exports its endpoints to every test process, and applies topology/ (topics and subjects).
 */
import { resolveEndpoints } from '../services/lib/endpoints.ts';
import { applyDeclaredTopologyAt } from '../topology/apply.ts';
import { provideInfrastructure } from './support/infrastructure.ts';

let release: (() => Promise<void>) | undefined;

export async function globalSetup(): Promise<void> {
  const started = Date.now();
  const infrastructure = await provideInfrastructure();
  release = infrastructure.release;
  // Test files run in child processes, which inherit this environment.
  Object.assign(process.env, infrastructure.env);
  const { topics, schemas } = await applyDeclaredTopologyAt(resolveEndpoints(), {
    clientId: 'sedano-test-setup',
    replicationFactor: 1,
  });
  const sources = Object.entries(infrastructure.sources).map(([name, source]) => `${name}: ${source}`);
  console.log(
    `test infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(${sources.join(', ')}; topology: ${topics.changes.length + schemas.changes.length} change(s))`,
  );
}

export async function globalTeardown(): Promise<void> {
  await release?.();
}
