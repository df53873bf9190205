/**
 * `npm start`: runs the system on this machine. Brings up the local stack (components not
 * given in the environment), applies topology/, then runs the services. At this stage the
 * only service is the smoke flow: an Avro event produced and consumed back.
 */
import { spawn } from 'node:child_process';
import { resolveEndpoints } from '../services/lib/endpoints.ts';
import { applyDeclaredTopologyAt } from '../topology/apply.ts';
import { stackUp } from './local-stack/stack.ts';

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

  console.log('\nsedano is up. The stack keeps running: scripts/stack status | logs | down');
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  process.exitCode = 1;
}
