/**
 * The index optimisation task: for each collection, the vector store's own compaction and
 * index build, with rows, fragments before and after, and the time it took. A collection that
 * fails is reported and the others still run; the run fails if any did.
 */
import { SedanoError } from '../../lib/errors.ts';
import { outcomeOf, type TaskRunner } from '../maintenance-task.ts';
import type { IndexOptimizerPort } from './index-optimizer-port.ts';

export interface CollectionOptimisation {
  collection: string;
  rows: number;
  fragmentsBefore: number | null;
  fragmentsAfter: number | null;
  durationMs: number;
}

/** The summary line of one collection (pure). */
export function describeOptimisation(result: CollectionOptimisation): string {
  const fragments =
    result.fragmentsBefore === null ? '' : `, fragments ${result.fragmentsBefore} -> ${result.fragmentsAfter}`;
  return `${result.collection}: ${result.rows} rows${fragments}, ${result.durationMs} ms`;
}

export function createIndexOptimisation(
  port: IndexOptimizerPort,
  now: () => number = () => performance.now(),
): TaskRunner {
  return async ({ signal, progress, logger }) => {
    const collections = await port.collections();
    const results: CollectionOptimisation[] = [];
    const failures: string[] = [];
    for (const [index, collection] of collections.entries()) {
      signal.throwIfAborted();
      progress(index, collections.length, `optimising ${collection}`);
      try {
        const before = await port.stats(collection);
        if (before === undefined) continue;
        const started = now();
        await port.optimize(collection);
        const durationMs = Math.round(now() - started);
        const after = await port.stats(collection);
        results.push({
          collection,
          rows: after?.rows ?? before.rows,
          fragmentsBefore: before.fragments,
          fragmentsAfter: after?.fragments ?? null,
          durationMs,
        });
      } catch (error) {
        logger.error({ err: error, collection }, 'optimising a collection failed');
        failures.push(`${collection}: ${(error as Error).message}`);
      }
    }
    progress(collections.length, collections.length, 'done');
    if (failures.length > 0) {
      throw new SedanoError('SEDANO_ERR_VECTOR_STORE_UNAVAILABLE', `optimising failed for ${failures.join('; ')}`, {
        retriable: true,
      });
    }
    const sum = (pick: (result: CollectionOptimisation) => number | null) =>
      results.reduce((total, result) => total + (pick(result) ?? 0), 0);
    const counts = {
      collections: results.length,
      rows: sum((result) => result.rows),
      fragmentsBefore: sum((result) => result.fragmentsBefore),
      fragmentsAfter: sum((result) => result.fragmentsAfter),
      durationMs: sum((result) => result.durationMs),
    };
    const summary = results.length === 0 ? 'no collection to optimise' : results.map(describeOptimisation).join('; ');
    return outcomeOf(summary, counts, ['collections']);
  };
}
