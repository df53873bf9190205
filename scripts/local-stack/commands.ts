/** Running build tools (Maven, Go, apt) and checking that they exist. */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { PrerequisiteError } from './component.ts';

const execFileAsync = promisify(execFile);

/** The first line a command prints for `args` (stdout or stderr), or undefined if it is missing. */
export function versionOf(command: string, args: readonly string[]): string | undefined {
  // Some tools (java -version) print their version on stderr.
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.split('\n')[0];
}

/** Throws a PrerequisiteError with `hint` unless `command` runs. */
export function requireCommand(command: string, versionArgs: readonly string[], hint: string): string {
  const version = versionOf(command, versionArgs);
  if (version === undefined) throw new PrerequisiteError(`${command} is missing: ${hint}`);
  return version;
}

/** Runs a build step; on failure the error carries its output. */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed:\n${tail}`, { cause: error });
  }
}
