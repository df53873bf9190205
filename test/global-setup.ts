/**
 * Runs once before the test files (node --test --test-global-setup): provides the
 * infrastructure, exports its endpoints to every test process, and applies topology/ (topics and subjects)
 * in the test run's own namespace, so a system already running on the same Kafka and Redis (`npm
 * start`, then `npm test`) never takes the tests' jobs, nor they its.
 */

/** The namespace the suite runs in (SEDANO_TEST_NAMESPACE, default `sedano-test`). */
const TEST_NAMESPACE = process.env['SEDANO_TEST_NAMESPACE'] || 'sedano-test';
import { applyDeclaredTopologyAt } from '../services/lib/topology-apply.ts';
import { topologyNames } from '../topology/names.ts';
import { provideInfrastructure } from './support/infrastructure.ts';

let release: (() => Promise<void>) | undefined;

export async function globalSetup(): Promise<void> {
  const started = performance.now();
  const infrastructure = await provideInfrastructure();
  release = infrastructure.release;
  // Test files run in child processes, which inherit this environment.
  Object.assign(process.env, infrastructure.env, { SEDANO_NAMESPACE: TEST_NAMESPACE });
  const { topics, schemas } = await applyDeclaredTopologyAt(process.env, {
    names: topologyNames(TEST_NAMESPACE),
    clientId: 'sedano-test-setup',
    replicationFactor: 1,
  });
  const sources = Object.entries(infrastructure.sources).map(([name, source]) => `${name}: ${source}`);
  console.log(
    `test infrastructure ready in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(${sources.join(', ')}; namespace ${TEST_NAMESPACE}, topology: ${topics.changes.length + schemas.changes.length} change(s))`,
  );
}

export async function globalTeardown(): Promise<void> {
  await release?.();
}
