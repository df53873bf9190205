/** Chunk ids: name-based UUIDs, so the same chunk of the same document always has the same id. */
import { createHash } from 'node:crypto';

/** sedano's namespace for chunk ids (UUID version 5, RFC 9562). */
const CHUNK_ID_NAMESPACE = Buffer.from('3b9e6f2a81c44d0f9a7e52c1d6b08e13', 'hex');

/**
 * The id of the chunk at `position` (0-based) of `documentId` whose text hashes to `contentHash`.
 * A redelivered job computes the same ids, so writing them again never duplicates a chunk; a
 * changed chunk text or position gives a new id, so the old chunk is recognised as stale.
 */
export function chunkId(documentId: string, position: number, contentHash: string): string {
  // JSON keeps the three parts apart whatever characters the document id contains.
  const name = JSON.stringify([documentId, position, contentHash]);
  const bytes = createHash('sha1').update(CHUNK_ID_NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
