/**
 * How a `ctl` command's action gets what it needs: the output (human or `--json`), the
 * connections (opened on first use, closed after the command), the environment, the directory
 * the user ran the command from and the command's options, global ones included.
 */
import type { Command } from 'commander';
import { DEFAULT_NAMESPACE, type TopologyNames, topologyNames } from '../../topology/names.ts';
import { type RedisKeys, redisKeys } from '../../topology/redis-keys.ts';
import { type Lane, LANES, type Stage, STAGES, WORKER_STAGES, type WorkerStage } from '../../topology/stages.ts';
import { type CtlClients, createCtlClients } from './clients.ts';
import { createOutput, type Output, UsageError } from './output.ts';

export interface CtlContext {
  out: Output;
  clients: CtlClients;
  env: NodeJS.ProcessEnv;
  /** Where the user ran the command (`invocationDir`): relative paths they give resolve against it. */
  cwd: string;
  /** The command's options, with the global ones (`--json`, `--namespace`). */
  options: Record<string, unknown>;
  /** The topics, groups and subjects of the namespace operated on. */
  names: TopologyNames;
  /** Its Redis keys. */
  keys: RedisKeys;
}

/** Wraps a command's action: `(context, ...positional arguments)`. */
export type CtlAction = <A extends unknown[]>(
  action: (context: CtlContext, ...positionals: A) => Promise<void>,
) => (...commanderArgs: unknown[]) => Promise<void>;

export interface CtlRunner {
  run: CtlAction;
  /** Closes the connections the command opened. */
  close(): Promise<void>;
}

export function createCtlRunner(env: NodeJS.ProcessEnv, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream) {
  const clients = createCtlClients(env);
  const run: CtlAction =
    (action) =>
    async (...commanderArgs) => {
      // commander calls an action with the positionals, then the options, then the command.
      const command = commanderArgs.at(-1) as Command;
      const options = command.optsWithGlobals();
      const out = createOutput(options['json'] === true, stdout, stderr);
      const names = namespaceNames(options['namespace'] ?? env['SEDANO_NAMESPACE']);
      await action(
        { out, clients, env, cwd: invocationDir(env), options, names, keys: redisKeys(names.namespace) },
        ...(commanderArgs.slice(0, -2) as never),
      );
    };
  return { run, close: () => clients.close() } satisfies CtlRunner;
}

/**
 * The directory the user ran the command from: `npm run ctl` runs it from the package root and
 * leaves the user's directory in INIT_CWD; the `sedano` bin runs where it was called.
 */
export function invocationDir(env: NodeJS.ProcessEnv): string {
  return env['INIT_CWD'] ?? process.cwd();
}

/** The names of the namespace given (blank: the default), or a UsageError. */
function namespaceNames(given: unknown): TopologyNames {
  const namespace = typeof given === 'string' && given.trim() !== '' ? given.trim() : DEFAULT_NAMESPACE;
  try {
    return topologyNames(namespace);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A stage named on the command line, or a UsageError listing the stages. */
export function parseStage(value: string): Stage {
  const stage = STAGES.find((candidate) => candidate === value.toLowerCase());
  if (stage === undefined) throw new UsageError(`unknown stage "${value}"; stages: ${STAGES.join(', ')}`);
  return stage;
}

/** A stage of workers named on the command line (a job stage or `maintenance`), or a UsageError. */
export function parseWorkerStage(value: string): WorkerStage {
  const stage = WORKER_STAGES.find((candidate) => candidate === value.toLowerCase());
  if (stage === undefined) throw new UsageError(`unknown stage "${value}"; stages: ${WORKER_STAGES.join(', ')}`);
  return stage;
}

/** A lane named on the command line, or a UsageError listing the lanes. */
export function parseLane(value: string): Lane {
  const lane = LANES.find((candidate) => candidate === value.toLowerCase());
  if (lane === undefined) throw new UsageError(`unknown lane "${value}"; lanes: ${LANES.join(', ')}`);
  return lane;
}
