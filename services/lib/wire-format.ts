/**
 * Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian integer, then
 * the Avro binary body. This is what Confluent's serializers in every language write.
 */
import { SedanoError } from './errors.ts';

export const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

export interface WireFrame {
  schemaId: number;
  /** The Avro-encoded body after the 5-byte header. */
  body: Buffer;
}

/** Splits a framed message; throws SEDANO_ERR_CODEC_NOT_FRAMED saying what is wrong if it is not framed. */
export function parseWireFormat(message: Buffer): WireFrame {
  if (message.length < HEADER_BYTES) {
    throw new SedanoError(
      'SEDANO_ERR_CODEC_NOT_FRAMED',
      `message of ${message.length} bytes is shorter than the ${HEADER_BYTES}-byte Confluent header`,
    );
  }
  if (message[0] !== MAGIC_BYTE) {
    throw new SedanoError(
      'SEDANO_ERR_CODEC_NOT_FRAMED',
      `message starts with byte ${message[0]}, not the Confluent magic byte ${MAGIC_BYTE}`,
    );
  }
  return { schemaId: message.readInt32BE(1), body: message.subarray(HEADER_BYTES) };
}
