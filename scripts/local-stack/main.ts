/**
 * `scripts/stack up | down | status | logs [component...] [--follow] [--lines N]`
 *
 * Runs Kafka, the schema registry, Redis and Jaeger on 127.0.0.1 from package registries
 * (no Docker needed). See scripts/local-stack/README.md.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { ComponentName } from '../../services/lib/endpoints.ts';
import { stackDown, stackLogFiles, stackStatus, stackUp } from './stack.ts';

const usage = `usage: scripts/stack <command>
  up                     start every component not given in the environment; reuse running ones
  down [component...]    stop every component this clone started (or only those named)
  status [--json]        each component: running, not ready, stopped or external
  logs [component...]    last lines of each log (--lines N, --follow)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    follow: { type: 'boolean', short: 'f', default: false },
    lines: { type: 'string', short: 'n', default: '40' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const [command, ...rest] = positionals;

async function main(): Promise<number> {
  switch (command) {
    case 'up': {
      const started = performance.now();
      await stackUp();
      console.log(`stack up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'down':
      await stackDown(rest.length > 0 ? { only: rest as ComponentName[] } : {});
      return 0;
    case 'status': {
      const statuses = await stackStatus();
      if (values.json) {
        console.log(JSON.stringify(statuses, null, 2));
      } else {
        for (const status of statuses) {
          const pid = status.pid === undefined ? '' : ` pid ${status.pid}`;
          console.log(`${status.name.padEnd(16)}${status.state.padEnd(10)}${pid.padEnd(12)}${status.endpoint}`);
        }
      }
      return statuses.every((status) => status.state === 'running' || status.state === 'external') ? 0 : 1;
    }
    case 'logs': {
      const files = stackLogFiles(rest);
      if (files.length === 0) {
        console.error('no logs yet: run scripts/stack up');
        return 1;
      }
      const tail = spawn('tail', ['-n', values.lines, ...(values.follow ? ['-F'] : []), ...files], {
        stdio: 'inherit',
      });
      return new Promise((resolve) => tail.on('exit', (code) => resolve(code ?? 0)));
    }
    default:
      console.log(usage);
      return values.help ? 0 : 2;
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`scripts/stack ${command}: ${(error as Error).message}`);
  process.exitCode = 1;
}
