/** The content hash sedano uses for chunks, documents and cached embeddings: hex SHA-256. */
import { createHash } from 'node:crypto';

/** Hex SHA-256 of `content` (a string is hashed as its UTF-8 bytes). */
export function contentHash(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
