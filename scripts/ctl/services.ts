/**
 * `ctl up` / `ctl down`: the whole system in the background, like `docker compose up -d`.
 *
 * `up` starts the local stack (components not given in the environment), applies topology/,
 * then starts each service of SERVICES detached under a supervisor that starts it again when it
 * exits (scripts/local-stack/supervise.ts: docker-compose.yml's `restart: unless-stopped`), with
 * its pid file, supervisor status and log under `<run dir>/services/<name>/`
 * (scripts/local-stack/processes.ts does the process work), and waits until the gateway answers
 * `GET /readyz`. It creates the local admin token once
 * (`<run dir>/admin-token`, mode 0600) and gives it to the gateway in SEDANO_API_TOKENS.
 * `down` stops the services it started, then the stack components that `up` started
 * (recorded in `<run dir>/up.json`; components that were already running are left alone).
 * Both first stop a service whose supervisor was killed alone and left it running.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { ComponentName } from '../../services/lib/endpoints.ts';
import { applyDeclaredTopology } from '../../services/lib/topology-apply.ts';
import { createSchemaRegistry } from '../../services/lib/schema-registry.ts';
import { INDEXER_LAUNCH, type IndexerLaunch } from '../../services/indexer/indexer-launch.ts';
import { type ComponentStatus, stackDown, stackStatus, stackUp } from '../local-stack/stack.ts';
import { forget, isAlive, leftInGroup, runningPid, startDetached, stopProcess } from '../local-stack/processes.ts';
import type { SupervisorStatus } from '../local-stack/supervision.ts';
import type { CtlAction, CtlContext } from './command-context.ts';
import { defaultGatewayUrl } from './gateway-client.ts';
import { replicationFactor } from './infra.ts';
import { CtlError, parseWholeNumber } from './output.ts';
import { adminTokenFile, REPO_ROOT, runDir, servicesDir } from './run-dir.ts';

export interface ServiceDefinition {
  name: string;
  /** Entry point, relative to the repository root. */
  entry: string;
  /** Longest a clean shutdown may take before the process is killed, in ms. */
  stopTimeoutMs: number;
  /** Node.js flags and environment variables it starts with (memory settings a process cannot change once started). */
  launch?: IndexerLaunch;
}

/** Every service `up` starts, in start order (`down` stops them in reverse). */
export const SERVICES: readonly ServiceDefinition[] = [
  { name: 'status-projector', entry: 'services/status-projector/main.ts', stopTimeoutMs: 15_000 },
  // The noop stage lets running jobs finish within its 30 s grace period.
  { name: 'noop', entry: 'services/noop/main.ts', stopTimeoutMs: 40_000 },
  { name: 'indexer', entry: 'services/indexer/main.ts', stopTimeoutMs: 40_000, launch: INDEXER_LAUNCH },
  { name: 'analyzer', entry: 'services/analyzer/main.ts', stopTimeoutMs: 40_000 },
  { name: 'exporter', entry: 'services/exporter/main.ts', stopTimeoutMs: 40_000 },
  { name: 'trainer', entry: 'services/trainer/main.ts', stopTimeoutMs: 40_000 },
  { name: 'maintenance', entry: 'services/maintenance/main.ts', stopTimeoutMs: 40_000 },
  { name: 'scheduler', entry: 'services/scheduler/main.ts', stopTimeoutMs: 15_000 },
  { name: 'gateway', entry: 'services/gateway/main.ts', stopTimeoutMs: 15_000 },
];

/**
 * SEDANO_METRICS_PORT of each service `up` starts (blank: unset). Off unless `ctl up` itself is
 * given one: nothing scrapes a local run, and the services share one host, so one port cannot
 * serve them all. Given one, it is the first of consecutive ports, one per service in SERVICES
 * order; the gateway's metrics are on its API port.
 */
export function serviceMetricsPorts(env: NodeJS.ProcessEnv): Record<string, string> {
  const first = env['SEDANO_METRICS_PORT']?.trim();
  const workers = SERVICES.filter((service) => service.name !== 'gateway');
  const base = first === undefined || first === '' ? undefined : parseWholeNumber('SEDANO_METRICS_PORT', first, 1);
  if (base !== undefined && base + workers.length - 1 > 65_535) {
    throw new CtlError(`SEDANO_METRICS_PORT: ${base} leaves no room for ${workers.length} ports`);
  }
  return Object.fromEntries(
    SERVICES.map((service) => {
      const index = workers.indexOf(service);
      return [service.name, base === undefined || index < 0 ? '' : String(base + index)];
    }),
  );
}

/** The supervisor each service runs under (its pid is the one in the service's pid file). */
const SUPERVISOR = join(REPO_ROOT, 'scripts/local-stack/supervise.ts');
/** Said when `up` fails on a service that exited: its supervisor keeps starting it again. */
const ENDLESS_RESTARTS = ' (its supervisor starts it again until `npm run ctl -- down`)';

interface UpRecord {
  /** Stack components `up` started (and `down` stops). */
  stackStarted: ComponentName[];
}

/** Where a service's pid file (its supervisor's pid), supervisor status and log are. */
export function serviceFiles(service: Pick<ServiceDefinition, 'name'>, env: NodeJS.ProcessEnv) {
  const dir = join(servicesDir(env), service.name);
  return {
    dir,
    pidFile: join(dir, 'pid.json'),
    statusFile: join(dir, 'supervisor.json'),
    logFile: join(dir, `${service.name}.log`),
  };
}

/** The supervisor's status of a service (supervise.ts), if it wrote one. */
export function readSupervisorStatus(statusFile: string): SupervisorStatus | undefined {
  try {
    return JSON.parse(readFileSync(statusFile, 'utf8')) as SupervisorStatus;
  } catch {
    return undefined;
  }
}

/** True once a service's supervisor has had to start it again. */
function restarted(statusFile: string): boolean {
  return (readSupervisorStatus(statusFile)?.restarts ?? 0) > 0;
}

function lastLines(file: string, count: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}

/** The local admin token, created (random, mode 0600) on first use. */
export function ensureAdminToken(env: NodeJS.ProcessEnv): string {
  const file = adminTokenFile(env);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(runDir(env), { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return token;
}

/** SEDANO_API_TOKENS for the gateway: the local admin token with every scope (the gateway's contract). */
export function apiTokensVariable(token: string): string {
  return JSON.stringify([{ token, scopes: ['submit', 'read', 'admin'], name: 'local-admin' }]);
}

/**
 * The recorded components `down` should still stop (pure): not one that was started again after
 * the record was written (by `scripts/stack up` after a `scripts/stack down`, say), which is no
 * longer what `up` started.
 */
export function stillStartedByUp(
  recorded: readonly ComponentName[],
  now: readonly Pick<ComponentStatus, 'name' | 'startedAtMs'>[],
  recordWrittenAtMs: number | undefined,
): ComponentName[] {
  return recorded.filter((name) => {
    const startedAtMs = now.find((status) => status.name === name)?.startedAtMs;
    return startedAtMs === undefined || recordWrittenAtMs === undefined || startedAtMs <= recordWrittenAtMs;
  });
}

function readUpRecord(env: NodeJS.ProcessEnv): UpRecord {
  const file = join(runDir(env), 'up.json');
  if (!existsSync(file)) return { stackStarted: [] };
  return JSON.parse(readFileSync(file, 'utf8')) as UpRecord;
}

/**
 * The stack components an `up` started (pure): stopped before it, with a process after it,
 * ready or not (a failed `up` may leave some running, which `down` must still stop).
 */
export function startedByUp(
  before: readonly Pick<ComponentStatus, 'name' | 'state'>[],
  after: readonly Pick<ComponentStatus, 'name' | 'pid'>[],
): ComponentName[] {
  const wasStopped = new Set(before.filter((status) => status.state === 'stopped').map((status) => status.name));
  return after.filter((status) => status.pid !== undefined && wasStopped.has(status.name)).map((status) => status.name);
}

/** Records in up.json the stack components `down` stops: this `up`'s, and the earlier ones still its. */
function writeUpRecord(
  env: NodeJS.ProcessEnv,
  before: readonly ComponentStatus[],
  after: readonly ComponentStatus[],
): void {
  const recordFile = join(runDir(env), 'up.json');
  const recorded = stillStartedByUp(
    readUpRecord(env).stackStarted,
    before,
    statSync(recordFile, { throwIfNoEntry: false })?.mtimeMs,
  );
  mkdirSync(runDir(env), { recursive: true });
  const stackStarted = [...new Set([...recorded, ...startedByUp(before, after)])];
  writeFileSync(recordFile, JSON.stringify({ stackStarted } satisfies UpRecord));
}

async function waitUntilReady(url: string, exited: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (exited()) return false;
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  return false;
}

async function up({ out, clients, env, options, names }: CtlContext): Promise<void> {
  const timeoutMs = parseWholeNumber('--timeout', String(options['timeout']), 1);
  const metricsPorts = serviceMetricsPorts(env);
  const log = (line: string) => (out.json ? out.note(line) : out.line(line));

  const before = await stackStatus({ env });
  try {
    await stackUp({ env, log });
  } finally {
    // Also when a component failed to start: `down` then stops the ones that did.
    writeUpRecord(env, before, await stackStatus({ env }));
  }

  const { topics, schemas } = await applyDeclaredTopology({
    names,
    admin: await clients.admin(),
    registry: createSchemaRegistry(clients.endpoints.schemaRegistryUrl),
    registryUrl: clients.endpoints.schemaRegistryUrl,
    replicationFactor: replicationFactor(env),
  });
  log(`topology: ${topics.changes.length + schemas.changes.length} change(s)`);

  const token = ensureAdminToken(env);
  const gatewayUrl = defaultGatewayUrl(env);
  // The services this `up` started: a restart of one already running is its supervisor's business.
  const startedNow = new Set<string>();
  for (const service of SERVICES) {
    const entry = join(REPO_ROOT, service.entry);
    if (!existsSync(entry)) throw new CtlError(`${service.name}: ${service.entry} is missing`);
    const { dir, pidFile, statusFile, logFile } = serviceFiles(service, env);
    mkdirSync(dir, { recursive: true });
    let pid = runningPid(pidFile);
    if (pid !== undefined) {
      log(`${service.name}: already running (pid ${pid})`);
    } else {
      await stopLeftUnsupervised(service, pidFile, log);
      // Jaeger serves its UI where it serves its query API, so each job's view links to its trace.
      const serviceEnv: Record<string, string> =
        service.name === 'gateway'
          ? {
              SEDANO_API_TOKENS: apiTokensVariable(token),
              JAEGER_UI_URL: env['JAEGER_UI_URL'] ?? clients.endpoints.jaegerQueryUrl,
            }
          : {};
      rmSync(statusFile, { force: true });
      startedNow.add(service.name);
      pid = startDetached(
        {
          command: process.execPath,
          args: [
            SUPERVISOR,
            ...['--name', service.name, '--status', statusFile, '--log', logFile, '--'],
            process.execPath,
            ...(service.launch?.nodeFlags ?? []),
            entry,
          ],
          cwd: REPO_ROOT,
          env: {
            ...service.launch?.environment,
            ...serviceEnv,
            SEDANO_NAMESPACE: names.namespace,
            SEDANO_METRICS_PORT: metricsPorts[service.name] ?? '',
          },
          marker: entry,
        },
        pidFile,
        logFile,
      );
      const metrics = metricsPorts[service.name] ? `, metrics on :${metricsPorts[service.name]}` : '';
      log(`${service.name}: started (pid ${pid}, log ${logFile}${metrics})`);
    }
    if (service.name === 'gateway') {
      const gatewayPid = pid;
      const exited = () => !isAlive(gatewayPid) || (startedNow.has(service.name) && restarted(statusFile));
      if (!(await waitUntilReady(gatewayUrl, exited, timeoutMs))) {
        const what = exited() ? 'exited' : `not ready after ${timeoutMs} ms`;
        throw new CtlError(`gateway: ${what}${ENDLESS_RESTARTS}; last lines of ${logFile}:\n${lastLines(logFile, 15)}`);
      }
    }
  }
  // A service that exited while the gateway got ready (bad configuration, a port taken) is
  // reported now, though its supervisor starts it again.
  for (const service of SERVICES) {
    const { pidFile, statusFile, logFile } = serviceFiles(service, env);
    const exited = runningPid(pidFile) === undefined || (startedNow.has(service.name) && restarted(statusFile));
    if (existsSync(pidFile) && exited) {
      throw new CtlError(
        `${service.name} exited after starting${ENDLESS_RESTARTS}; last lines of ${logFile}:\n${lastLines(logFile, 15)}`,
      );
    }
  }
  if (out.json) {
    out.data({ gatewayUrl, adminToken: token });
  } else {
    out.line(`sedano is up: gateway ${gatewayUrl}, dashboard ${gatewayUrl}/ui, admin token in ${adminTokenFile(env)}`);
    out.line('stop it with: npm run ctl -- down');
  }
}

/**
 * Stops what a service's supervisor left running when it was killed alone (not through `down`):
 * a service with no supervisor, which a new one would otherwise run beside. Returns whether
 * there was anything.
 */
async function stopLeftUnsupervised(
  service: ServiceDefinition,
  pidFile: string,
  log: (line: string) => void,
): Promise<boolean> {
  const left = leftInGroup(pidFile);
  if (left === undefined) return false;
  const how = await stopProcess(left.pgid, service.stopTimeoutMs);
  log(`${service.name}: its supervisor was gone; ${how} the process it left running (pid ${left.pids.join(', ')})`);
  return true;
}

async function down({ out, env }: CtlContext): Promise<void> {
  const log = (line: string) => (out.json ? out.note(line) : out.line(line));
  const stopped: string[] = [];
  const failures: string[] = [];
  for (const service of [...SERVICES].reverse()) {
    const { pidFile } = serviceFiles(service, env);
    const pid = runningPid(pidFile);
    try {
      if (pid !== undefined) {
        const how = await stopProcess(pid, service.stopTimeoutMs);
        log(`${service.name}: ${how} (pid ${pid})`);
        stopped.push(service.name);
      } else if (await stopLeftUnsupervised(service, pidFile, log)) {
        stopped.push(service.name);
      }
    } catch (error) {
      failures.push(`${service.name}: ${(error as Error).message}`);
    } finally {
      // After the stop: what a supervisor killed alone left is found through its pid file.
      forget(pidFile);
    }
  }
  const { stackStarted } = readUpRecord(env);
  if (stackStarted.length > 0) {
    await stackDown({ env, only: stackStarted, log });
    stopped.push(...stackStarted);
  }
  rmSync(join(runDir(env), 'up.json'), { force: true });
  if (out.json) out.data({ stopped });
  else if (stopped.length === 0) out.line('nothing to stop');
  if (failures.length > 0) throw new CtlError(failures.join('\n'));
}

export function registerServices(program: Command, run: CtlAction): void {
  program
    .command('up')
    .description('runs the whole system in the background (stack, topology, services); waits for the gateway')
    .option('--timeout <ms>', 'how long to wait for the gateway to be ready', '60000')
    .action(run((context) => up(context)));
  program
    .command('down')
    .description('stops every service `up` started, then the stack components it started')
    .action(run((context) => down(context)));
}
