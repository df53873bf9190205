/**
 * `npm start`: runs the system on this machine, in the background, and shows it working.
 *
 * 1. `ctl up`: the local stack (components not given in the environment), topology/, and every
 *    service (status projector, noop and indexer workers, gateway), detached, with their logs
 *    under .sedano/services/ (scripts/ctl/services.ts).
 * 2. The smoke flow: an Avro event through the registry and Kafka and back, with its trace.
 * 3. The sample indexing through the gateway: samples/documents indexed by the indexer worker,
 *    its progress live, its result and one search (sample-indexing.ts).
 *
 * Everything keeps running afterwards; `npm run ctl -- down` stops it.
 */
import { spawn } from 'node:child_process';
import { resolveGatewayTarget } from './ctl/gateway-client.ts';
import { adminTokenFile, REPO_ROOT } from './ctl/run-dir.ts';
import { runSampleAnalysis } from './sample-analysis.ts';
import { runSampleExport } from './sample-export.ts';
import { runSampleIndexing } from './sample-indexing.ts';

function run(entry: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(process.execPath, [entry, ...args], { stdio: 'inherit', cwd: REPO_ROOT, env });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

try {
  console.log('== the system in the background (npm run ctl -- up)');
  const up = await run('scripts/ctl.ts', ['up']);
  if (up !== 0) throw new Error(`ctl up exited with code ${up}`);

  console.log('\n== smoke flow (npm run smoke)');
  // The smoke check prints what it did; its service log (started, stopped) would only interleave JSON lines.
  const smoke = await run('services/smoke/main.ts', [], { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  if (smoke !== 0) throw new Error(`services/smoke exited with code ${smoke}`);

  console.log('\n== indexing samples/documents through the gateway (one job, its progress, one search)');
  const gateway = resolveGatewayTarget({}, process.env);
  await runSampleIndexing({ gateway });

  console.log('\n== analysing the samples (financial, then sentiment) through the gateway');
  const analysisJobId = await runSampleAnalysis({ gateway });

  console.log('\n== a financial report of that analysis (export stage), downloaded through the gateway');
  await runSampleExport({ gateway, analysisJobId });

  console.log(
    `\nsedano is running: the dashboard at ${gateway.url}/ui (the admin token is in ${adminTokenFile()}); ` +
      'npm run ctl -- status | jobs list | down',
  );
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  process.exitCode = 1;
}
