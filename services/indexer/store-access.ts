/**
 * Vector store access, the port the indexer exports to services that maintain its collections
 * (the maintenance stage's optimisation and backups): the store its settings describe.
 */
export { createVectorStore as openVectorStore, DEFAULT_LANCEDB_DATA_DIR } from './vector-store/create.ts';
export { vectorStoreOptionsOf, type VectorStoreOptions, vectorStoreSettings } from './vector-store/create.ts';
export type { VectorStore } from './vector-store/port.ts';
