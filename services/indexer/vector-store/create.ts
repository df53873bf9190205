/**
 * Picks the vector store: Qdrant when a Qdrant URL is given (`QDRANT_URL`), otherwise the
 * embedded LanceDB store in a local data directory. The indexing stage's composition root
 * reads the environment (`vectorStoreOptionsFromEnvironment`) and each worker thread calls
 * `createVectorStore` for a store of its own.
 */
import { resolveEndpoints } from '../../lib/endpoints.ts';
import { openLanceDbVectorStore } from './lancedb.ts';
import type { VectorStore } from './port.ts';
import { createQdrantVectorStore } from './qdrant.ts';

/** Where the embedded store keeps its data when `SEDANO_DATA_DIR` is unset (relative to the working directory). */
export const DEFAULT_LANCEDB_DATA_DIR = '.sedano/data/lancedb';

export interface VectorStoreOptions {
  /** Qdrant's REST URL; when set, Qdrant is the store. */
  qdrantUrl?: string | undefined;
  /** Qdrant's API key (`QDRANT_API_KEY`), if the server requires one. */
  qdrantApiKey?: string | undefined;
  /** The embedded store's directory. Default DEFAULT_LANCEDB_DATA_DIR. */
  dataDir?: string | undefined;
  /** Where the embedded store's snapshots go by default. Default: `lancedb-snapshots` beside `dataDir`. */
  snapshotDir?: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

function given(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The vector store options from `QDRANT_URL`, `QDRANT_API_KEY`, `SEDANO_DATA_DIR` and `SEDANO_SNAPSHOT_DIR`. */
export function vectorStoreOptionsFromEnvironment(env: Environment): VectorStoreOptions {
  return {
    qdrantUrl: resolveEndpoints(env).qdrantUrl,
    qdrantApiKey: given(env, 'QDRANT_API_KEY'),
    dataDir: given(env, 'SEDANO_DATA_DIR'),
    snapshotDir: given(env, 'SEDANO_SNAPSHOT_DIR'),
  };
}

/** Qdrant when `options.qdrantUrl` is set, otherwise LanceDB in `options.dataDir`. */
export async function createVectorStore(options: VectorStoreOptions): Promise<VectorStore> {
  if (options.qdrantUrl !== undefined) {
    return createQdrantVectorStore({
      url: options.qdrantUrl,
      ...(options.qdrantApiKey !== undefined ? { apiKey: options.qdrantApiKey } : {}),
    });
  }
  return openLanceDbVectorStore({
    dataDir: options.dataDir ?? DEFAULT_LANCEDB_DATA_DIR,
    ...(options.snapshotDir !== undefined ? { snapshotDir: options.snapshotDir } : {}),
  });
}
