/**
 * Redis 7 from Debian's `redis-server` package, installed with apt-get when it is missing
 * (as root; otherwise the error says what to install).
 *
 * Beside its plaintext port it serves TLS with a user and password on a second one, as managed
 * Redis services do (`securedRedis` below): a self-signed certificate made with openssl and a
 * random password for this clone, so the suite connects through a `rediss://` REDIS_URL to a
 * real server (redis-security.test.ts). Without openssl there is no second port, and those
 * tests skip.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_ENDPOINTS, LOCAL_PORTS } from '../../services/lib/endpoints.ts';
import { type Component, PrerequisiteError, type StackContext } from './component.ts';
import { run, versionOf } from './commands.ts';
import { answersPing } from './network.ts';
import { stateDir } from './paths.ts';
import { keepPrivate, writePrivateFile } from './private-files.ts';

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

/** The TLS port: where it is, who may connect, and the certificate to trust (a PEM file). */
export interface SecuredRedis {
  /** `rediss://127.0.0.1:6380`, without the user and password. */
  url: string;
  username: string;
  password: string;
  caFile: string;
}

/** The TLS port's description, written when Redis is prepared (next to its data). */
function securedRedisFile(redisStateDir: string): string {
  return join(redisStateDir, 'secured-listener.json');
}

/** The local stack's Redis TLS port, as its last start wrote it; undefined when it has none here. */
export function securedRedis(env: NodeJS.ProcessEnv = process.env): SecuredRedis | undefined {
  const file = securedRedisFile(join(stateDir(env), 'redis'));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SecuredRedis) : undefined;
}

/**
 * The TLS port's configuration, made once per clone: a self-signed certificate for 127.0.0.1
 * (openssl) and a random password for one user, in a config file redis-server reads first (the
 * password never on its command line). Undefined, and the port left closed, without openssl.
 */
async function prepareSecuredRedis(context: StackContext): Promise<string | undefined> {
  const descriptionFile = securedRedisFile(context.stateDir);
  if (versionOf('openssl', ['version']) === undefined) {
    context.log('redis: openssl not found, so no TLS port (the tests of a rediss:// REDIS_URL skip)');
    rmSync(descriptionFile, { force: true });
    return undefined;
  }
  const dir = join(context.stateDir, 'tls');
  const keyFile = join(dir, 'redis-key.pem');
  const caFile = join(dir, 'redis-ca.pem');
  const secretsFile = join(dir, 'secrets.json');
  if (!existsSync(keyFile) || !existsSync(caFile) || !existsSync(secretsFile)) {
    mkdirSync(dir, { recursive: true });
    await run('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650'],
      ...['-keyout', keyFile, '-out', caFile, '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ]);
    writePrivateFile(secretsFile, JSON.stringify({ password: randomBytes(18).toString('base64url') }));
  }
  keepPrivate(keyFile);
  const { password } = JSON.parse(readFileSync(secretsFile, 'utf8')) as { password: string };
  const secured: SecuredRedis = {
    url: `rediss://127.0.0.1:${LOCAL_PORTS.redisSecured}`,
    username: 'sedano-local',
    password,
    caFile,
  };
  const configFile = join(context.stateDir, 'secured.conf');
  writePrivateFile(
    configFile,
    [
      '# Written by scripts/stack: the TLS port and its user (redis.ts).',
      `tls-port ${LOCAL_PORTS.redisSecured}`,
      `tls-cert-file ${caFile}`,
      `tls-key-file ${keyFile}`,
      // Clients show no certificate of their own, as with managed Redis services.
      'tls-auth-clients no',
      // The plaintext port's default user stays as it is (no password, every command).
      `user ${secured.username} on >${password} ~* &* +@all`,
      '',
    ].join('\n'),
  );
  writePrivateFile(descriptionFile, JSON.stringify(secured));
  return configFile;
}

export const redis: Component = {
  name: 'redis',
  ports: [LOCAL_PORTS.redis, LOCAL_PORTS.redisSecured],
  dependsOn: [],
  readyTimeoutMs: 20_000,
  stopTimeoutMs: 10_000,
  endpoint: LOCAL_ENDPOINTS.redisUrl,

  async prepare(context) {
    const version = await ensureRedisServer(context);
    const major = Number(/v=(\d+)/.exec(version)?.[1] ?? '0');
    if (major < 7) throw new PrerequisiteError(`redis-server is ${version}; sedano needs Redis 7 or newer: ${HINT}`);
    const securedConfig = await prepareSecuredRedis(context);
    return {
      command: 'redis-server',
      args: [
        // A config file, when there is one, comes first; the options after it add to it.
        ...(securedConfig === undefined ? [] : [securedConfig]),
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
