/**
 * `ctl services`: the processes `ctl up` started, as `docker compose ps` shows containers: each
 * service running, restarting (its supervisor waits to start it again), unsupervised (its
 * supervisor was killed alone and the service runs on; `ctl up` or `down` stops it) or stopped, with its pid,
 * how long its current run has lasted and how many times its supervisor started it again
 * (scripts/local-stack/supervise.ts). The workers' view of the same system is `ctl status`.
 */
import type { Command } from 'commander';
import { isAlive, leftInGroup, runningPid } from '../local-stack/processes.ts';
import type { SupervisorStatus } from '../local-stack/supervision.ts';
import type { CtlAction } from './command-context.ts';
import { CtlError, formatDuration, formatTable } from './output.ts';
import { readSupervisorStatus, SERVICES, serviceFiles } from './services.ts';

export interface ServiceState {
  name: string;
  state: 'running' | 'restarting' | 'unsupervised' | 'stopped';
  /** The service's own process (not its supervisor's), while it runs. */
  pid: number | null;
  /** How long its current run has lasted, while it runs. */
  upForMs: number | null;
  restarts: number;
  lastExit: SupervisorStatus['lastExit'];
}

/**
 * A service's state from its supervisor's liveness and status file (pure; `serviceAlive` checks
 * a pid; `leftRunning` are the processes a supervisor that is gone left in its group).
 */
export function serviceState(
  name: string,
  supervisorRunning: boolean,
  status: SupervisorStatus | undefined,
  serviceAlive: (pid: number) => boolean,
  nowMs: number,
  leftRunning: readonly number[] = [],
): ServiceState {
  const restarts = status?.restarts ?? 0;
  const lastExit = status?.lastExit ?? null;
  if (!supervisorRunning) {
    const recorded = status?.servicePid ?? null;
    const pid = recorded !== null && leftRunning.includes(recorded) ? recorded : leftRunning[0];
    if (pid === undefined) return { name, state: 'stopped', pid: null, upForMs: null, restarts, lastExit };
    return { name, state: 'unsupervised', pid, upForMs: null, restarts, lastExit };
  }
  const pid = status?.servicePid ?? null;
  if (pid === null || !serviceAlive(pid))
    return { name, state: 'restarting', pid: null, upForMs: null, restarts, lastExit };
  const upForMs = status === undefined ? null : Math.max(0, nowMs - Date.parse(status.startedAt));
  return { name, state: 'running', pid, upForMs, restarts, lastExit };
}

/** Human lines of `ctl services` (pure). */
export function formatServiceStates(states: readonly ServiceState[]): string[] {
  return formatTable(
    ['SERVICE', 'STATE', 'PID', 'UP', 'RESTARTS', 'LAST EXIT'],
    states.map((service) => [
      service.name,
      service.state,
      service.pid === null ? '-' : String(service.pid),
      service.upForMs === null ? '-' : formatDuration(service.upForMs),
      String(service.restarts),
      service.lastExit === null
        ? '-'
        : `${service.lastExit.signal ?? `code ${service.lastExit.code}`} at ${service.lastExit.at}`,
    ]),
  );
}

/** Every service of SERVICES as it is now. */
export function readServiceStates(env: NodeJS.ProcessEnv, nowMs = Date.now()): ServiceState[] {
  return SERVICES.map((service) => {
    const { pidFile, statusFile } = serviceFiles(service, env);
    return serviceState(
      service.name,
      runningPid(pidFile) !== undefined,
      readSupervisorStatus(statusFile),
      isAlive,
      nowMs,
      leftInGroup(pidFile)?.pids,
    );
  });
}

export function registerServiceStates(program: Command, run: CtlAction): void {
  program
    .command('services')
    .description('the services `up` started: running, restarting, unsupervised or stopped, with their restarts')
    .option('--fail-on-restart', 'exit 1 also if a running service was restarted (CI: nothing crashed)')
    .action(
      run(async ({ out, options, env }) => {
        const states = readServiceStates(env);
        if (out.json) out.data({ services: states });
        else for (const line of formatServiceStates(states)) out.line(line);
        const down = states.filter((service) => service.state !== 'running').map((service) => service.name);
        if (down.length > 0) throw new CtlError(`not running: ${down.join(', ')}`);
        const restarted = states.filter((service) => service.restarts > 0);
        if (options['failOnRestart'] === true && restarted.length > 0) {
          throw new CtlError(
            `restarted: ${restarted.map((service) => `${service.name} (${service.restarts})`).join(', ')}`,
          );
        }
      }),
    );
}
