/**
 * Picks the infrastructure the tests run against, in this order (DESIGN.md section 6):
 * endpoints given in the environment, then testcontainers where a Docker engine answers,
 * then the local stack (scripts/stack), started if it is not running.
 */
import { type ComponentName, externalComponents } from '../../services/lib/endpoints.ts';
import { COMPONENTS, stackStatus, stackUp } from '../../scripts/local-stack/stack.ts';
import { dockerEngineAnswers, startContainers } from './testcontainers.ts';

export interface ProvidedInfrastructure {
  /** Variables that point the tests at what was started. */
  env: Record<string, string>;
  /** Where each component comes from, for the log. */
  sources: Record<ComponentName, 'environment' | 'testcontainers' | 'local stack'>;
  /** Stops what was started for the tests (and nothing that was running before). */
  release: () => Promise<void>;
}

export async function provideInfrastructure(
  log: (line: string) => void = (line) => console.log(line),
): Promise<ProvidedInfrastructure> {
  const external = externalComponents(process.env);
  const missing = new Set(COMPONENTS.map((component) => component.name).filter((name) => !external.has(name)));
  const sources = {} as ProvidedInfrastructure['sources'];
  for (const name of external) sources[name] = 'environment';
  if (missing.size === 0) return { env: {}, sources, release: async () => {} };

  if (process.env['SEDANO_TEST_INFRA'] !== 'local' && (await dockerEngineAnswers())) {
    log(`test infrastructure: starting ${[...missing].join(', ')} with testcontainers`);
    const containers = await startContainers(missing);
    for (const name of missing) sources[name] = 'testcontainers';
    return { env: containers.env, sources, release: containers.stop };
  }

  const before = await stackStatus();
  const stopped = before.filter((status) => status.state === 'stopped').map((status) => status.name);
  log(
    `test infrastructure: local stack (${stopped.length > 0 ? `starting ${stopped.join(', ')}` : 'already running'})`,
  );
  await stackUp({ log: (line) => log(`  ${line}`) });
  for (const name of missing) sources[name] = 'local stack';
  return {
    env: {},
    sources,
    // scripts/test stops what the tests started (a forced exit may cut a global teardown short);
    // run directly, `node --test` leaves the stack running for the next run.
    release: async () => {},
  };
}
