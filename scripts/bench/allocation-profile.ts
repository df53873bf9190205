/**
 * Bytes a piece of work allocates, from V8's sampling heap profiler with the objects garbage
 * collection already freed counted too, for `npm run bench -- api --allocations`. Unlike a
 * timing, the figure does not move with the shared machine's load (runs of the same code agree
 * within about 1%, some 100 bytes of a GET's 14,000), so a change of a few hundred bytes a
 * request shows in one run where its throughput stays hidden in the noise (docs/benchmarks.md,
 * the thirtieth round).
 */
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

/** A node of the profiler's tree (the part of the DevTools protocol's SamplingHeapProfileNode used here). */
export interface SampledNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  /** Bytes allocated by this function itself under this stack (sampled, scaled by V8). */
  selfSize: number;
  children: SampledNode[];
}

/** Bytes allocated by one function, wherever it was called from. */
export interface AllocationSite {
  site: string;
  bytes: number;
}

/** One sample per this many bytes allocated, on average: small enough that two runs agree. */
const SAMPLING_INTERVAL_BYTES = 512;

const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `functionName (where:line)`: a package's file from its package name on, the repository's from its root. */
function siteName({ functionName, url, lineNumber }: SampledNode['callFrame']): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('node_modules/');
  const where =
    modules >= 0
      ? path.slice(modules + 'node_modules/'.length)
      : path.startsWith(REPOSITORY_ROOT)
        ? path.slice(REPOSITORY_ROOT.length)
        : path;
  const name = functionName === '' ? '(anonymous)' : functionName;
  return where === '' ? name : `${name} (${where}:${lineNumber + 1})`;
}

/** The profile's bytes by allocating function (pure), largest first. */
export function allocationSites(head: SampledNode): AllocationSite[] {
  const bytes = new Map<string, number>();
  const pending = [head];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.selfSize > 0) {
      const site = siteName(node.callFrame);
      bytes.set(site, (bytes.get(site) ?? 0) + node.selfSize);
    }
    pending.push(...node.children);
  }
  return [...bytes].map(([site, total]) => ({ site, bytes: total })).sort((a, b) => b.bytes - a.bytes);
}

/** Runs `work` under the sampling heap profiler; resolves with its result and the bytes allocated meanwhile by function. */
export async function withAllocationProfile<T>(
  work: () => Promise<T>,
): Promise<{ result: T; sites: AllocationSite[] }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL_BYTES,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const result = await work();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    return { result, sites: allocationSites(profile.head) };
  } finally {
    session.disconnect();
  }
}
