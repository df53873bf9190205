/**
 * The local stack: starts, reuses, reports on and stops the infrastructure components on
 * 127.0.0.1. Components whose endpoint is given in the environment are left alone.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ComponentName, ENDPOINT_VARIABLES, externalComponents } from '../../services/lib/endpoints.ts';
import { type Component, PrerequisiteError, type StackContext } from './component.ts';
import { jaeger } from './jaeger.ts';
import { kafka } from './kafka.ts';
import { isPortFree, portHolder } from './network.ts';
import { cacheDir, ROOT, stateDir } from './paths.ts';
import { forget, isAlive, runningPid, startDetached, stopProcess } from './processes.ts';
import { redis } from './redis.ts';
import { schemaRegistry } from './schema-registry.ts';

/** Every component, in start order (a component comes after those it depends on). */
export const COMPONENTS: readonly Component[] = [kafka, schemaRegistry, redis, jaeger];

export interface ComponentStatus {
  name: ComponentName;
  state: 'external' | 'running' | 'not ready' | 'stopped';
  pid?: number;
  /** When the running process was started (its pid file's time), ms since the epoch. */
  startedAtMs?: number;
  endpoint: string;
  logFile?: string;
}

export interface StackOptions {
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export interface StackDownOptions extends StackOptions {
  /** Stop only these components (default: all). */
  only?: readonly ComponentName[];
}

function filesOf(component: Component, env: NodeJS.ProcessEnv) {
  const dir = join(stateDir(env), component.name);
  return { dir, pidFile: join(dir, 'pid.json'), logFile: join(dir, `${component.name}.log`) };
}

function lastLines(file: string, count: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}

async function waitUntilReady(component: Component, pid: number): Promise<boolean> {
  const deadline = performance.now() + component.readyTimeoutMs;
  while (performance.now() < deadline) {
    if (await component.isReady()) return true;
    if (!isAlive(pid)) return false;
    await sleep(250);
  }
  return false;
}

/** Throws a PrerequisiteError naming the port, its holder and the way out if a port is taken. */
export async function assertPortsFree(component: Pick<Component, 'name' | 'ports'>): Promise<void> {
  for (const port of component.ports) {
    if (!(await isPortFree(port))) {
      const holder = portHolder(port);
      throw new PrerequisiteError(
        `${component.name}: port ${port} is taken${holder ? ` by ${holder}` : ''}; stop that process, ` +
          `or set ${ENDPOINT_VARIABLES[component.name]} to use a ${component.name} that is already running`,
      );
    }
  }
}

async function startComponent(
  component: Component,
  dependencies: Promise<unknown>,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): Promise<void> {
  const { dir, pidFile, logFile } = filesOf(component, env);
  mkdirSync(dir, { recursive: true });
  const running = runningPid(pidFile);
  if (running !== undefined) {
    if (await waitUntilReady(component, running)) {
      log(`${component.name}: already running (pid ${running})`);
      return;
    }
    throw new Error(`${component.name}: running as pid ${running} but not answering; see ${logFile}`);
  }
  const context: StackContext = { root: ROOT, cacheDir: cacheDir(env), stateDir: dir, log };
  // Preparing (downloads, builds) runs while dependencies start; starting waits for them.
  const spec = await component.prepare(context);
  await dependencies;
  await assertPortsFree(component);
  const started = performance.now();
  const pid = startDetached(spec, pidFile, logFile);
  if (await waitUntilReady(component, pid)) {
    log(
      `${component.name}: ready in ${((performance.now() - started) / 1000).toFixed(1)} s (pid ${pid}, log ${logFile})`,
    );
    return;
  }
  const alive = isAlive(pid);
  await stopProcess(pid, component.stopTimeoutMs);
  forget(pidFile);
  throw new Error(
    `${component.name}: ${alive ? `not ready after ${component.readyTimeoutMs / 1000} s` : 'exited while starting'}; ` +
      `last lines of ${logFile}:\n${lastLines(logFile, 15)}`,
  );
}

/**
 * Starts every component not given in the environment, reusing those already running, and
 * resolves once all answer. Rejects with every failure's message if any could not start.
 */
export async function stackUp(options: StackOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((message: string) => console.log(message));
  const external = externalComponents(env);
  const started = new Map<ComponentName, Promise<void>>();
  for (const component of COMPONENTS) {
    if (external.has(component.name)) {
      log(
        `${component.name}: external (${ENDPOINT_VARIABLES[component.name]}=${env[ENDPOINT_VARIABLES[component.name]]})`,
      );
      continue;
    }
    const dependencies = Promise.all(
      component.dependsOn.map((name) =>
        (started.get(name) ?? Promise.resolve()).catch(() => {
          throw new Error(`${component.name}: not started because ${name} did not start`);
        }),
      ),
    );
    // Awaited only after preparing; until then a dependency's failure must not go unhandled.
    dependencies.catch(() => {});
    started.set(component.name, startComponent(component, dependencies, env, log));
  }
  const results = await Promise.allSettled(started.values());
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
  if (failures.length > 0) {
    throw new AggregateError(failures, failures.map((failure) => failure.message).join('\n'));
  }
}

/** Stops every component this clone's stack started (whatever the environment says now). */
export async function stackDown(options: StackDownOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((message: string) => console.log(message));
  const only = options.only;
  // Reverse start order: the registry stores its schemas in Kafka, so it stops first.
  for (const component of [...COMPONENTS].reverse()) {
    if (only && !only.includes(component.name)) continue;
    const { pidFile } = filesOf(component, env);
    const pid = runningPid(pidFile);
    if (pid === undefined) {
      forget(pidFile);
      continue;
    }
    const how = await stopProcess(pid, component.stopTimeoutMs);
    forget(pidFile);
    log(`${component.name}: ${how} (pid ${pid})`);
  }
}

/** The state of each component. */
export async function stackStatus(options: StackOptions = {}): Promise<ComponentStatus[]> {
  const env = options.env ?? process.env;
  const external = externalComponents(env);
  return Promise.all(
    COMPONENTS.map(async (component): Promise<ComponentStatus> => {
      const { pidFile, logFile } = filesOf(component, env);
      if (external.has(component.name)) {
        return { name: component.name, state: 'external', endpoint: env[ENDPOINT_VARIABLES[component.name]] ?? '' };
      }
      const pid = runningPid(pidFile);
      if (pid === undefined) return { name: component.name, state: 'stopped', endpoint: component.endpoint };
      const state = (await component.isReady()) ? 'running' : 'not ready';
      const startedAtMs = statSync(pidFile, { throwIfNoEntry: false })?.mtimeMs;
      return { name: component.name, state, pid, startedAtMs, endpoint: component.endpoint, logFile };
    }),
  );
}

/** The log files of each component (that exist): its console output, then its rolling log, for `scripts/stack logs`. */
export function stackLogFiles(names: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  return COMPONENTS.filter((component) => names.length === 0 || names.includes(component.name))
    .flatMap((component) => {
      const { dir, logFile } = filesOf(component, env);
      return component.rollingLog === undefined ? [logFile] : [logFile, join(dir, component.rollingLog)];
    })
    .filter((file) => existsSync(file));
}
