/**
 * Picks the vector store: Qdrant when a Qdrant URL is given (`QDRANT_URL`), otherwise the
 * embedded LanceDB store in a local data directory. Its settings (`vectorStoreSettings`) are
 * resolved once in a service's main.ts; each worker thread calls `createVectorStore` with the
 * resulting options for a store of its own. The chosen store's client is imported only then:
 * a thread on LanceDB never loads Qdrant's client, nor one on Qdrant LanceDB's.
 */
import { type ResolvedSettings, setting } from '../../lib/settings.ts';
import type { VectorStore } from './port.ts';

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

export const vectorStoreSettings = {
  qdrantUrl: setting.url('QDRANT_URL', { description: 'Qdrant for the vector store; unset means the embedded store' }),
  qdrantApiKey: setting.string('QDRANT_API_KEY', {
    description: "Qdrant's API key, when the server requires one",
    secret: true,
  }),
  dataDir: setting.string('SEDANO_DATA_DIR', {
    description: "the embedded vector store's LanceDB directory (relative to the working directory)",
    defaultShown: `\`${DEFAULT_LANCEDB_DATA_DIR}\``,
  }),
  snapshotDir: setting.string('SEDANO_SNAPSHOT_DIR', {
    description: "where the embedded store's snapshots go unless a backup names a directory",
    defaultShown: '`lancedb-snapshots` beside `SEDANO_DATA_DIR`',
  }),
};

/** The vector store options of resolved settings. */
export function vectorStoreOptionsOf(settings: ResolvedSettings<typeof vectorStoreSettings>): VectorStoreOptions {
  return {
    qdrantUrl: settings.qdrantUrl,
    qdrantApiKey: settings.qdrantApiKey,
    dataDir: settings.dataDir,
    snapshotDir: settings.snapshotDir,
  };
}

export async function createVectorStore(options: VectorStoreOptions): Promise<VectorStore> {
  if (options.qdrantUrl !== undefined) {
    const { createQdrantVectorStore } = await import('./qdrant.ts');
    return createQdrantVectorStore({
      url: options.qdrantUrl,
      ...(options.qdrantApiKey !== undefined ? { apiKey: options.qdrantApiKey } : {}),
    });
  }
  const { openLanceDbVectorStore } = await import('./lancedb.ts');
  return openLanceDbVectorStore({
    dataDir: options.dataDir ?? DEFAULT_LANCEDB_DATA_DIR,
    ...(options.snapshotDir !== undefined ? { snapshotDir: options.snapshotDir } : {}),
  });
}
