/**
 * UUID strings (RFC 9562), written without node's garbage. `crypto.randomUUID()` builds its 36
 * characters from about twenty string concatenations: 590 bytes allocated a call, where one
 * string of 36 characters is 57 (V8's sampling heap profiler, a loop of 200,000 calls). The
 * gateway makes one for every request (its `x-request-id`) and one for every job submitted, so
 * that garbage was 4% of what a `GET /v1/jobs/:id` allocated (docs/benchmarks.md, the
 * thirty-second round). Here the 16 bytes are written as hex digits into a scratch buffer, read
 * back as one string.
 *
 * Random UUIDs take their bytes from a pool refilled by `crypto.randomFillSync`: the same
 * generator as `randomUUID`, pooled as it pools them (128 UUIDs' worth a refill).
 */
import { randomFillSync } from 'node:crypto';

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Where each of a UUID's 16 bytes goes in its text: 8-4-4-4-12 hex digits. */
const BYTE_POSITIONS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34] as const;

/** The text being written; its dashes never change. One per thread, and a call never yields. */
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');

/** The UUID text of the 16 bytes of `bytes` from `offset` (pure), in lower case; version and variant as the bytes have them. */
export function formatUuid(bytes: Uint8Array, offset = 0): string {
  if (offset < 0 || offset + 16 > bytes.length) throw new RangeError(`a UUID needs 16 bytes from offset ${offset}`);
  for (let i = 0; i < 16; i += 1) {
    const byte = bytes[offset + i]!;
    const at = BYTE_POSITIONS[i]!;
    text[at] = HEX_DIGITS[byte >> 4]!;
    text[at + 1] = HEX_DIGITS[byte & 0x0f]!;
  }
  return text.toString('latin1');
}

/** Sets the version (4 bits of byte 6) and the RFC 9562 variant (2 bits of byte 8) of the UUID at `offset`. */
export function stampUuid(bytes: Uint8Array, version: number, offset = 0): void {
  bytes[offset + 6] = (bytes[offset + 6]! & 0x0f) | (version << 4);
  bytes[offset + 8] = (bytes[offset + 8]! & 0x3f) | 0x80;
}

const POOLED_UUIDS = 128;
const pool = Buffer.alloc(16 * POOLED_UUIDS);
let nextInPool = pool.length;

/** A random (version 4) UUID, as `crypto.randomUUID()` makes. */
export function randomUuid(): string {
  if (nextInPool === pool.length) {
    randomFillSync(pool);
    nextInPool = 0;
  }
  const offset = nextInPool;
  nextInPool += 16;
  stampUuid(pool, 4, offset);
  return formatUuid(pool, offset);
}
