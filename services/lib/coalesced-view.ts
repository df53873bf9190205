/**
 * Concurrent reads of the status view, coalesced (pure: no I/O of its own). Under load, many
 * requests read jobs at once (`GET /v1/jobs/:id`, the event streams' polls), often the same job;
 * one Redis GET each costs a command, a write and a reply each. Here the ids asked for in one
 * turn leave together as one `getMany` (one MGET), each id once (turn-batcher.ts: never stale,
 * at most one read in flight).
 */
import type { JobView, StatusView } from './status-view.ts';
import { coalesceReads } from './turn-batcher.ts';

/**
 * `view` with its `get` coalesced (above) over `getMany`; every other method as it was. Callers
 * that asked for the same job in one read share the view object it parsed: the gateway only
 * reads views (replies are built as new objects, jobs.ts), and must keep doing so.
 */
export function coalescedView(view: StatusView): StatusView {
  const get = coalesceReads<JobView | undefined>((ids) => view.getMany(ids));
  return { ...view, get };
}
