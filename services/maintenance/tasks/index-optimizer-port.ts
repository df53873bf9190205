/**
 * What the index optimisation needs of a vector store: its collections, their rows and
 * fragments, and the store's own optimize. The VectorStore port (services/indexer/vector-store)
 * has `optimize` and `info` but neither a list of collections nor fragment counts, so LanceDB's
 * adapter here reads those from the data directory with a connection of its own.
 */
import { connect } from '@lancedb/lancedb';

/**
 * What the maintenance tasks use of the indexer's VectorStore (services/indexer/vector-store/port.ts),
 * declared here so the maintenance service does not import another service's internals: a
 * VectorStore is one, structurally.
 */
export interface MaintainedStore {
  optimize(collection: string): Promise<void>;
  info(collection: string): Promise<{ chunkCount: number } | undefined>;
  snapshot(collection: string, targetDir?: string): Promise<{ location: string; bytes?: number; chunkCount?: number }>;
}

export interface CollectionStats {
  rows: number;
  /** Data fragments (LanceDB), or null where the store has no such notion (Qdrant). */
  fragments: number | null;
}

export interface IndexOptimizerPort {
  collections(): Promise<string[]>;
  stats(collection: string): Promise<CollectionStats | undefined>;
  optimize(collection: string): Promise<void>;
  close(): Promise<void>;
}

/** LanceDB: the store's optimize (compaction, pruning, the document-id index); stats from the tables. */
export async function lanceDbOptimizerPort(store: MaintainedStore, dataDir: string): Promise<IndexOptimizerPort> {
  const db = await connect(dataDir);
  return {
    collections: () => db.tableNames(),
    async stats(collection) {
      if (!(await db.tableNames()).includes(collection)) return undefined;
      // A fresh handle each time: an open one keeps reading the version it was opened at.
      const table = await db.openTable(collection);
      try {
        const stats = await table.stats();
        return { rows: stats.numRows, fragments: stats.fragmentStats.numFragments };
      } finally {
        table.close();
      }
    },
    optimize: (collection) => store.optimize(collection),
    async close() {
      db.close();
    },
  };
}

/** Any store, for a known list of collections (Qdrant: its optimizers; rows from `info`, no fragments). */
export function vectorStoreOptimizerPort(store: MaintainedStore, collections: readonly string[]): IndexOptimizerPort {
  return {
    collections: async () => [...collections],
    async stats(collection) {
      const info = await store.info(collection);
      return info && { rows: info.chunkCount, fragments: null };
    },
    optimize: (collection) => store.optimize(collection),
    close: async () => undefined,
  };
}
