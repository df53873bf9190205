/** What scripts/stack knows about each infrastructure component it can run locally. */
import type { ComponentName } from '../../services/lib/endpoints.ts';

/** How to start a component's process. */
export interface ProcessSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Text of the process's command line that identifies it (default: the command). */
  marker?: string;
}

export interface StackContext {
  /** The repository root. */
  root: string;
  /** Downloads and builds, kept across clones (default ~/.cache/sedano). */
  cacheDir: string;
  /** This component's data, logs and pid file, under the repository's git-ignored .sedano/. */
  stateDir: string;
  /** Progress lines for the person waiting. */
  log: (message: string) => void;
}

export interface Component {
  name: ComponentName;
  /** Every port it listens on (127.0.0.1), checked before it starts. */
  ports: readonly number[];
  /** Components that must be ready before this one starts. */
  dependsOn: readonly ComponentName[];
  /** How long a start may take before it is declared failed. */
  readyTimeoutMs: number;
  /** How long a stop may take before the process is killed. */
  stopTimeoutMs: number;
  /**
   * Finds, downloads or builds what the component needs (cached) and says how to start it.
   * Throws a PrerequisiteError naming what is missing.
   */
  prepare(context: StackContext): Promise<ProcessSpec>;
  /** True once the component answers its clients. */
  isReady(): Promise<boolean>;
  /** Where clients reach it, for status output. */
  endpoint: string;
  /**
   * A log the component writes and rolls over itself (a file name in its state dir), beside
   * its console output in `<name>.log`; `scripts/stack logs` shows both. For a component whose
   * full log grows without bound (the broker's: 175 MB after a day of test runs).
   */
  rollingLog?: string;
}

/** A missing tool or a taken port: the message says what to do. */
export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}
