/**
 * The hash a document's chunks carry in the vector store (`documentHash`): the file's
 * content hash together with everything else that decides what its chunks are (chunk size
 * and overlap, source, metadata). The indexer skips a document when the stored hash equals
 * this one, so re-running a job over unchanged files writes nothing, while a changed file, a
 * new chunk size or new metadata re-indexes it. Pure.
 */
import { createHash } from 'node:crypto';
import type { ResolvedSplitterOptions } from './chunking/splitter.ts';

export interface DocumentVersion {
  /** Hex SHA-256 of the file's bytes. */
  contentHash: string;
  source: string;
  metadata: Readonly<Record<string, string>>;
  splitter: ResolvedSplitterOptions;
}

/** Hex SHA-256 over the version's parts (metadata keys sorted, so their order does not matter). */
export function documentVersionHash(version: DocumentVersion): string {
  const metadata = Object.entries(version.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [
    'v1',
    version.contentHash,
    version.splitter.chunkSize,
    version.splitter.chunkOverlap,
    version.source,
    metadata,
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
