/**
 * Text out of the bytes of a text format (CSV, Markdown, HTML, plain text): UTF-8 (a BOM is
 * dropped), or Windows-1252 when the bytes are not valid UTF-8, which is what older Italian
 * and English files usually are. Binary content fails the document instead of being indexed
 * as noise.
 */
import { SedanoError } from '../../../lib/errors.ts';

const SNIFF_BYTES = 8192;

/** True when the first bytes hold no NUL byte, which text in these encodings never has. */
export function looksLikeText(bytes: Uint8Array): boolean {
  return !bytes.subarray(0, SNIFF_BYTES).includes(0);
}

/** Decodes `bytes` as UTF-8 or Windows-1252; throws SEDANO_ERR_DOCUMENT_CORRUPT for binary content. */
export function decodeText(bytes: Uint8Array): string {
  if (!looksLikeText(bytes)) {
    throw new SedanoError('SEDANO_ERR_DOCUMENT_CORRUPT', 'binary content (NUL bytes) in a text document', {
      retriable: false,
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
