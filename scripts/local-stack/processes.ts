/**
 * Background processes of the local stack: started detached (so they outlive the command
 * that started them), remembered in a pid file, stopped by process group.
 *
 * A detached process leads a process group of its own (its pgid is its pid), and what it starts
 * stays in that group. So the group outlives a leader killed alone (a supervisor SIGKILLed,
 * leaving its service running): `leftInGroup` finds such leftovers, and `stopProcess` waits
 * for the whole group, not only its leader.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessSpec } from './component.ts';

interface PidRecord {
  pid: number;
  /** Text of its command line, to tell it apart from a process that reused the pid. */
  command: string;
}

/** A process's state letter and process group, from /proc/<pid>/stat; undefined once it is gone. */
function procStat(pid: number): { state: string; pgid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the parenthesised command name: state, ppid, pgrp, ...
    const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state === undefined ? undefined : { state, pgid: Number(pgid) };
  } catch {
    return undefined;
  }
}

/** True if a process with this pid exists and has not exited (a zombie waiting to be reaped has). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** The live processes of process group `pgid`, zombies left out. */
export function groupMembers(pgid: number): number[] {
  try {
    // No process of the group: nothing to look for in /proc.
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return [];
  }
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = procStat(pid);
    if (stat !== undefined && stat.pgid === pgid && stat.state !== 'Z') members.push(pid);
  }
  return members;
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function readPidRecord(pidFile: string): PidRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    return JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** True while the recorded process runs the recorded command (not a process that reused its pid). */
function stillRuns(record: PidRecord): boolean {
  return isAlive(record.pid) && commandLineOf(record.pid).includes(record.command);
}

/** The pid recorded in `pidFile` if that process still runs the recorded command. */
export function runningPid(pidFile: string): number | undefined {
  const record = readPidRecord(pidFile);
  return record !== undefined && stillRuns(record) ? record.pid : undefined;
}

/**
 * What still runs in the process group of the process recorded in `pidFile` once that process
 * is gone (a supervisor killed alone leaves its service): the group's id (the recorded pid) and
 * its members that run the recorded command, so that a process group the pid was reused for
 * is not taken for ours. Undefined while the recorded process runs, or when nothing is left.
 */
export function leftInGroup(pidFile: string): { pgid: number; pids: number[] } | undefined {
  const record = readPidRecord(pidFile);
  if (record === undefined || stillRuns(record)) return undefined;
  const pids = groupMembers(record.pid).filter((pid) => commandLineOf(pid).includes(record.command));
  return pids.length === 0 ? undefined : { pgid: record.pid, pids };
}

/** Starts `spec` in its own process group with output appended to `logFile`; returns the pid. */
export function startDetached(spec: ProcessSpec, pidFile: string, logFile: string): number {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    writeFileSync(
      pidFile,
      JSON.stringify({ pid: child.pid, command: spec.marker ?? spec.command } satisfies PidRecord),
    );
    return child.pid;
  } finally {
    closeSync(out);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group, so wrapper scripts take their children along.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * SIGTERM to the process group `pid` leads, then SIGKILL after `timeoutMs`; resolves once the
 * process and every other process of its group are gone.
 */
export async function stopProcess(pid: number, timeoutMs: number): Promise<'stopped' | 'killed'> {
  const gone = () => !isAlive(pid) && groupMembers(pid).length === 0;
  signalGroup(pid, 'SIGTERM');
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (gone()) return 'stopped';
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
  while (!gone()) await sleep(50);
  return 'killed';
}

/** Removes a pid file, if any. */
export function forget(pidFile: string): void {
  rmSync(pidFile, { force: true });
}
