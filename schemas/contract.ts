/**
 * A contract: a record type sedano reads and writes, with its full Avro name and the avsc
 * Type that encodes, decodes and validates it (uuids included, see logical-types.ts).
 * The generated module of each top-level schema exports its contract.
 */
import avro from 'avsc';
import { LOGICAL_TYPES } from './logical-types.ts';

export interface Contract<T> {
  /** Full Avro name, e.g. `sedano.NoopRequest`. */
  name: string;
  type: avro.Type;
  /** The self-contained schema as written, registered as is. */
  schema: avro.Schema;
  /** Compile-time marker of the record type; never set. */
  readonly record?: T;
}

/** Builds the contract of a self-contained, named Avro schema. */
export function defineContract<T>(schema: avro.Schema): Contract<T> {
  const type = avro.Type.forSchema(schema, { logicalTypes: LOGICAL_TYPES });
  if (!type.name) throw new Error('a contract must be a named Avro type');
  return { name: type.name, type, schema };
}

/**
 * The schema text registered for a contract: the schema as written, with its defaults, docs
 * and logical types. (avsc's Type#schema() drops logical types it has no implementation for,
 * such as timestamp-millis, which other languages' clients rely on.)
 */
export function schemaText(contract: Contract<unknown>): string {
  return JSON.stringify(contract.schema);
}
