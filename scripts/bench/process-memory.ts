/**
 * Memory of another process (Linux): its resident set now (`VmRSS`) and its peak since it
 * started (`VmHWM`, the kernel's high-water mark), read from `/proc/<pid>/status`. Both count
 * every thread of the process, worker threads included, since threads share one address space.
 * A benchmark uses it to measure a worker it runs as a child, apart from its own memory.
 */
import { readFile } from 'node:fs/promises';

export interface ProcessMemory {
  /** Resident set now, in bytes. */
  rssBytes: number;
  /** Peak resident set since the process started, in bytes. */
  peakRssBytes: number;
}

/** `VmRSS` and `VmHWM` of a `/proc/<pid>/status` text (pure); undefined when either is missing. */
export function parseProcStatus(text: string): ProcessMemory | undefined {
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
    return match === null ? undefined : Number(match[1]) * 1024;
  };
  const rssBytes = kib('VmRSS');
  const peakRssBytes = kib('VmHWM');
  return rssBytes === undefined || peakRssBytes === undefined ? undefined : { rssBytes, peakRssBytes };
}

/** The memory of process `pid`; undefined once it has ended (or off Linux). */
export async function readProcessMemory(pid: number): Promise<ProcessMemory | undefined> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseProcStatus(text);
}
