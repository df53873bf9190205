/**
 * Avro logical types that sedano checks, for avsc's `logicalTypes` option.
 *
 * `uuid` values stay strings, but a value that is not a UUID makes `isValid` fail with the
 * field's path, so a malformed id is refused before producing and after consuming.
 * timestamp-millis is not registered on purpose: timestamps stay numbers (ms since epoch).
 */
import avro from 'avsc';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * The last value found to be a UUID: encoding a record checks each of its UUIDs twice (isValid,
 * then the write), and the pattern took 2% of a no-op burst's CPU (issue 12).
 */
let lastUuid: string | undefined;

class UuidType extends avro.types.LogicalType {
  override _fromValue(value: unknown): unknown {
    return value;
  }

  override _toValue(value: unknown): unknown {
    if (value === lastUuid) return value;
    if (typeof value !== 'string' || !UUID.test(value)) return undefined;
    lastUuid = value;
    return value;
  }

  override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    if (avro.Type.isType(type, 'string', 'logical:uuid')) return (value) => value;
    return undefined;
  }
}

/** Pass as `avro.Type.forSchema(schema, { logicalTypes: LOGICAL_TYPES })`. */
export const LOGICAL_TYPES = { uuid: UuidType };
