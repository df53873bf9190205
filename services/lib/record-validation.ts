/**
 * A record checked against its contract (pure), field by field: what the codec refuses to encode
 * and, once decoded, to hand on, and what tests and producers check their records with.
 */
import avro from 'avsc';
import type { Contract } from '../../schemas/contract.ts';

/** Every problem that stops `record` from being a valid `contract`, as "field: problem" lines. */
export function validationProblems(contract: Contract<unknown>, record: unknown): string[] {
  return validationDetails(contract, record).map(problemLine);
}

/** One problem as a "field: problem" line (`(record)` for the record as a whole). */
export function problemLine({ path, message }: FieldDetail): string {
  return `${path === '' ? '(record)' : path}: ${message}`;
}

/** One field a record gets wrong: its path in the record (`sleepMs`, `header.priority`) and what is wrong. */
export interface FieldDetail {
  path: string;
  message: string;
}

/** Each field of `record` that does not satisfy `contract`, with its path (empty: none). */
export function validationDetails(contract: Contract<unknown>, record: unknown): FieldDetail[] {
  // The plain check stops at the first problem and builds nothing: most records are valid.
  if (contract.type.isValid(record)) return [];
  const details: FieldDetail[] = [];
  contract.type.isValid(record, {
    errorHook: (path, value, type) => {
      const expected = type.typeName === 'logical:uuid' ? 'a uuid string' : describeType(type);
      details.push({ path: path.join('.'), message: `expected ${expected}, got ${describeValue(value)}` });
    },
  });
  return details;
}

function describeType(type: avro.Type): string {
  if (type instanceof avro.types.EnumType) return `one of ${type.symbols.join(', ')}`;
  if (type instanceof avro.types.UnwrappedUnionType) return type.types.map(describeType).join(' or ');
  return type.name ?? type.typeName;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
