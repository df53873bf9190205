/**
 * `npm start`: runs the system on this machine. Brings up the local stack (components not
 * given in the environment), applies topology/, runs the smoke flow (an Avro event produced
 * and consumed back), then indexes the bundled samples with a real indexer worker, showing
 * the job's progress, its result and one search (sample-indexing.ts).
 */
import { spawn } from 'node:child_process';
import { createCodec } from '../services/lib/codec.ts';
import { resolveEndpoints } from '../services/lib/endpoints.ts';
import { createKafkaClient } from '../services/lib/kafka.ts';
import { createSchemaRegistry } from '../services/lib/schema-registry.ts';
import { applyDeclaredTopologyAt } from '../topology/apply.ts';
import { stackUp } from './local-stack/stack.ts';
import { runSampleIndexing } from './sample-indexing.ts';

function runService(entry: string): Promise<number> {
  const child = spawn(process.execPath, [entry], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

try {
  console.log('== infrastructure (scripts/stack up)');
  await stackUp();

  console.log('\n== topology (npm run topology -- apply)');
  const { topics, schemas } = await applyDeclaredTopologyAt(resolveEndpoints(), {
    clientId: 'sedano-start',
    replicationFactor: 1,
  });
  console.log(
    `${topics.changes.length + schemas.changes.length} change(s); ` +
      `${topics.matching.length} topic(s) and ${schemas.matching.length} subject(s) already matched`,
  );

  console.log('\n== services');
  const code = await runService('services/smoke/main.ts');
  if (code !== 0) throw new Error(`services/smoke exited with code ${code}`);

  console.log('\n== indexing samples/documents (npm run indexer, one job, one search)');
  const endpoints = resolveEndpoints();
  await runSampleIndexing({
    kafka: createKafkaClient({ brokers: endpoints.kafkaBrokers, clientId: 'sedano-start' }),
    codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
    timeoutMs: 120_000,
  });

  console.log('\nsedano is up. The stack keeps running: scripts/stack status | logs | down');
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  process.exitCode = 1;
}
