/**
 * Redis 7 from Debian's `redis-server` package, installed with apt-get when it is missing
 * (as root; otherwise the error says what to install).
 */
import { existsSync } from 'node:fs';
import { LOCAL_ENDPOINTS, LOCAL_PORTS } from '../../services/lib/endpoints.ts';
import { type Component, PrerequisiteError, type StackContext } from './component.ts';
import { run, versionOf } from './commands.ts';
import { answersPing } from './network.ts';

const HINT = 'install Redis 7 (Debian: apt-get install -y redis-server)';

async function ensureRedisServer(context: StackContext): Promise<string> {
  const found = versionOf('redis-server', ['--version']);
  if (found !== undefined) return found;
  const asRoot = process.getuid?.() === 0;
  if (!asRoot || !existsSync('/usr/bin/apt-get')) throw new PrerequisiteError(`redis-server is missing: ${HINT}`);
  context.log('redis: installing redis-server with apt-get');
  // Debian's package would start a system-wide server if its init policy allows it; this
  // stack runs its own, so the package's service is told not to start.
  const env = { DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
  await run('apt-get', ['update', '-qq'], { env });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], { env });
  const installed = versionOf('redis-server', ['--version']);
  if (installed === undefined) throw new PrerequisiteError(`redis-server did not install: ${HINT}`);
  return installed;
}

export const redis: Component = {
  name: 'redis',
  ports: [LOCAL_PORTS.redis],
  dependsOn: [],
  readyTimeoutMs: 20_000,
  stopTimeoutMs: 10_000,
  endpoint: LOCAL_ENDPOINTS.redisUrl,

  async prepare(context) {
    const version = await ensureRedisServer(context);
    const major = Number(/v=(\d+)/.exec(version)?.[1] ?? '0');
    if (major < 7) throw new PrerequisiteError(`redis-server is ${version}; sedano needs Redis 7 or newer: ${HINT}`);
    return {
      command: 'redis-server',
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(LOCAL_PORTS.redis),
        '--dir',
        context.stateDir,
        '--dbfilename',
        'dump.rdb',
        // Snapshot now and then so a restart keeps the status view; the compacted topic rebuilds it anyway.
        '--save',
        '300 1',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--logfile',
        '',
      ],
    };
  },

  isReady: () => answersPing(LOCAL_PORTS.redis),
};
