/**
 * Concurrent reads of the status view, coalesced (pure: no I/O of its own). Under load, many
 * requests read jobs at once (`GET /v1/jobs/:id`, the event streams' polls), often the same job;
 * one Redis GET each costs a command, a write and a reply each. Here the ids asked for in one
 * turn leave together as one `getMany` (one MGET), each id once (turn-batcher.ts: never stale,
 * at most one read in flight).
 */
import type { JobView, StatusView } from './status-view.ts';
import { batchPerTurn } from './turn-batcher.ts';

/** Most ids one `readMany` call is given (a larger turn's ids are split across calls). */
export const MAX_IDS_PER_READ = 500;

/**
 * `read(id)` resolves with `readMany`'s answer for `id`, from a call made after `read` was
 * called; ids asked for together share calls, each id read once per call.
 */
export function coalesceReads<V>(
  readMany: (ids: readonly string[]) => Promise<readonly V[]>,
): (id: string) => Promise<V> {
  return batchPerTurn<string, V>(
    async (ids) => {
      const unique = [...new Set(ids)];
      if (unique.length === ids.length) return readMany(ids);
      const values = await readMany(unique);
      const byId = new Map(unique.map((id, i) => [id, values[i]!]));
      return ids.map((id) => byId.get(id)!);
    },
    { maxPerCall: MAX_IDS_PER_READ },
  );
}

/**
 * `view` with its `get` coalesced (above) over `getMany`; every other method as it was. Callers
 * that asked for the same job in one read share the view object it parsed: the gateway only
 * reads views (replies are built as new objects, jobs.ts), and must keep doing so.
 */
export function coalescedView(view: StatusView): StatusView {
  const get = coalesceReads<JobView | undefined>((ids) => view.getMany(ids));
  return { ...view, get };
}
