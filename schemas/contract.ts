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
  /** Compile-time marker of the record type; never set. */
  readonly record?: T;
}

/** Builds the contract of a self-contained, named Avro schema. */
export function defineContract<T>(schema: avro.Schema): Contract<T> {
  const type = avro.Type.forSchema(schema, { logicalTypes: LOGICAL_TYPES });
  if (!type.name) throw new Error('a contract must be a named Avro type');
  return { name: type.name, type };
}

/**
 * The schema text registered for a contract. exportAttrs keeps defaults, docs and logical
 * types, which avsc's schema() leaves out otherwise and which compatibility checks need.
 */
export function schemaText(contract: Contract<unknown>): string {
  return JSON.stringify(contract.type.schema({ exportAttrs: true }));
}
