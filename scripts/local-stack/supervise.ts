/**
 * `node scripts/local-stack/supervise.ts --name <service> --status <file> [--log <file>] -- <command> [args...]`:
 * runs a service of `ctl up` and starts it again whenever it exits, as docker-compose.yml's
 * `restart: unless-stopped` does for the same services. A sedano service ends itself on a fault
 * it cannot recover from (a Kafka consumer stopped for good, a crash: service-kit.ts) and leaves
 * the restart to its supervisor; without one, the system from `npm start` stayed without it.
 *
 * The wait before each restart doubles (supervision.ts). Each exit is logged as a line of
 * the service's own log, and `--status` holds the restarts so far (`ctl services` shows them).
 *
 * `--log` names the file the service writes to (the supervisor's own output, which the service
 * inherits): the supervisor rolls it over once it reaches 10 MB (log-roll.ts, supervision.ts).
 *
 * Stopped by signalling its process group (`ctl down`; processes.ts's stopProcess): the service
 * and the supervisor both get the SIGTERM, the service shuts down, and the supervisor exits with
 * its code and does not restart it. The signal is not passed on: the service already has it,
 * and a second SIGTERM would cut its shutdown short.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { rollLog } from './log-roll.ts';
import {
  DEFAULT_LOG_ROLL,
  DEFAULT_RESTART_POLICY,
  restartDelayMs,
  type RestartPolicy,
  type SupervisorStatus,
} from './supervision.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    status: { type: 'string' },
    log: { type: 'string' },
    // The policy's timings: tests shorten them.
    'first-delay-ms': { type: 'string' },
    'max-delay-ms': { type: 'string' },
    'healthy-run-ms': { type: 'string' },
    // The log's rolling: tests shorten them too.
    'log-max-bytes': { type: 'string' },
    'log-keep': { type: 'string' },
    'log-check-ms': { type: 'string' },
  },
});
const [serviceCommand, ...serviceArgs] = positionals;
if (values.name === undefined || values.status === undefined || serviceCommand === undefined) {
  console.error('usage: supervise.ts --name <service> --status <file> -- <command> [args...]');
  process.exit(2);
}
const command: string = serviceCommand;
const name = values.name;
const statusFile = values.status;
const policy: RestartPolicy = {
  firstDelayMs: Number(values['first-delay-ms'] ?? DEFAULT_RESTART_POLICY.firstDelayMs),
  maxDelayMs: Number(values['max-delay-ms'] ?? DEFAULT_RESTART_POLICY.maxDelayMs),
  healthyRunMs: Number(values['healthy-run-ms'] ?? DEFAULT_RESTART_POLICY.healthyRunMs),
};

const logRoll = {
  maxBytes: Number(values['log-max-bytes'] ?? DEFAULT_LOG_ROLL.maxBytes),
  keep: Number(values['log-keep'] ?? DEFAULT_LOG_ROLL.keep),
  checkEveryMs: Number(values['log-check-ms'] ?? DEFAULT_LOG_ROLL.checkEveryMs),
};

let status: SupervisorStatus = { servicePid: null, startedAt: new Date().toISOString(), restarts: 0, lastExit: null };
let service: ChildProcess | undefined;
let pendingRestart: NodeJS.Timeout | undefined;
let previousDelayMs: number | undefined;
let stopping = false;

function record(next: SupervisorStatus): void {
  status = next;
  writeFileSync(statusFile, `${JSON.stringify(status)}\n`);
}

function start(): void {
  pendingRestart = undefined;
  const startedAt = new Date();
  // How long it ran is measured on the monotonic clock: a wall-clock step cannot fake a crash loop.
  const startedAtMs = performance.now();
  // stdio inherited: the service writes to the log file `ctl up` gave the supervisor.
  const child = spawn(command, serviceArgs, { stdio: 'inherit' });
  service = child;
  // A command that cannot be run at all will not run on a restart either.
  child.on('error', (error) => {
    console.error(`supervisor: ${name} could not be started: ${error.message}`);
    process.exit(1);
  });
  record({ ...status, servicePid: child.pid ?? null, startedAt: startedAt.toISOString() });
  child.on('exit', (code, signal) => {
    service = undefined;
    const ranForMs = Math.round(performance.now() - startedAtMs);
    const lastExit = { code, signal, at: new Date().toISOString(), ranForMs };
    if (stopping) {
      record({ ...status, servicePid: null, lastExit });
      process.exit(code ?? 1);
    }
    const delayMs = restartDelayMs(previousDelayMs, ranForMs, policy);
    previousDelayMs = delayMs;
    const how = signal === null ? `code ${code}` : `signal ${signal}`;
    // One plain line in the service's JSON log lines: written by the supervisor, not the service.
    console.error(
      `supervisor: ${name} exited (${how}) after ${(ranForMs / 1000).toFixed(1)} s; ` +
        `restart ${status.restarts + 1} in ${(delayMs / 1000).toFixed(1)} s`,
    );
    record({ ...status, servicePid: null, restarts: status.restarts + 1, lastExit });
    pendingRestart = setTimeout(start, delayMs);
  });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    stopping = true;
    // Between runs there is nothing to wait for; otherwise the exit handler above ends this process.
    if (service === undefined) {
      clearTimeout(pendingRestart);
      process.exit(0);
    }
  });
}

/** Rolls the service's log over when it has grown too large; a failure is said in it, and the service runs on. */
function checkLog(file: string): void {
  try {
    const moved = rollLog(file, logRoll);
    if (moved > 0) console.error(`supervisor: ${name}'s log rolled over: its last ${moved} bytes are in ${file}.1`);
  } catch (error) {
    console.error(`supervisor: ${name}'s log could not be rolled over: ${(error as Error).message}`);
  }
}

const logFile = values.log;
if (logFile !== undefined) {
  checkLog(logFile);
  setInterval(() => checkLog(logFile), logRoll.checkEveryMs).unref();
}
start();
