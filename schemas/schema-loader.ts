/**
 * Loads the Avro contracts of `schemas/`: one `.avsc` file per named type, named after the
 * type in kebab-case (`sedano.JobHeader` → `job-header.avsc`), referring to other named
 * types by full name. `loadSchema` turns one of them into a self-contained schema that a
 * registry accepts as a single subject version: every named type it references is inlined
 * in full at its first use and referred to by full name afterwards, as Avro requires.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Avro's primitive type names; any other string in a type position names a named type. */
export const PRIMITIVE_TYPES: readonly string[] = [
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
];

/** The name of a primitive type. */
export type AvroPrimitiveType = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** An Avro schema as JSON, restricted to the forms sedano's contracts use. */
export type AvroSchema = AvroUnionBranch | AvroUnionBranch[];

/** Any schema but a union (a union cannot directly contain a union). */
export type AvroUnionBranch =
  string | AvroRecordSchema | AvroEnumSchema | AvroArraySchema | AvroMapSchema | AvroLogicalSchema;

/** A field of a record schema. */
export interface AvroField {
  name: string;
  type: AvroSchema;
  doc?: string;
  default?: unknown;
}

/** A record schema. */
export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

/** An enum schema. */
export interface AvroEnumSchema {
  type: 'enum';
  name: string;
  namespace?: string;
  doc?: string;
  symbols: string[];
  default?: string;
}

/** An array schema. */
export interface AvroArraySchema {
  type: 'array';
  items: AvroSchema;
}

/** A map schema (keys are strings). */
export interface AvroMapSchema {
  type: 'map';
  values: AvroSchema;
}

/** A primitive annotated with a logical type (e.g. timestamp-millis on a long). */
export interface AvroLogicalSchema {
  type: AvroPrimitiveType;
  logicalType: string;
}

/** A schema that defines a name (the only kinds sedano uses: no `fixed`, no `error`). */
export type AvroNamedSchema = AvroRecordSchema | AvroEnumSchema;

/** Loads named types from one directory of `.avsc` files. */
export interface SchemaLoader {
  /** The self-contained schema of the named type `fullName` (e.g. `sedano.JobStatusEvent`). */
  loadSchema(fullName: string): AvroNamedSchema;
}

/** The directory of sedano's contracts (this file's directory). */
export const SCHEMAS_DIR: string = import.meta.dirname;

/** `JobHeader` → `job-header`. */
export function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The `.avsc` file that defines the named type `fullName`. */
export function schemaFileName(fullName: string): string {
  return `${kebabCase(fullName.slice(fullName.lastIndexOf('.') + 1))}.avsc`;
}

/** The full name of a named schema, its namespace defaulting to the enclosing one. */
export function fullNameOf(schema: AvroNamedSchema, enclosingNamespace = ''): string {
  if (schema.name.includes('.')) return schema.name;
  const namespace = schema.namespace ?? enclosingNamespace;
  return namespace ? `${namespace}.${schema.name}` : schema.name;
}

/** Whether a schema object defines a named type. */
export function isNamedSchema(schema: AvroSchema): schema is AvroNamedSchema {
  return typeof schema === 'object' && !Array.isArray(schema) && (schema.type === 'record' || schema.type === 'enum');
}

/** A loader over the `.avsc` files of `dir`; each result is computed once and cached. */
export function createSchemaLoader(dir: string = SCHEMAS_DIR): SchemaLoader {
  const files = new Map<string, AvroNamedSchema>();
  const loaded = new Map<string, AvroNamedSchema>();

  function readNamedType(fullName: string, referencedBy: string): AvroNamedSchema {
    const file = schemaFileName(fullName);
    const cached = files.get(file);
    if (cached) return cached;
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (cause) {
      throw new Error(`Avro type ${fullName}, referenced by ${referencedBy}, has no schema file ${file} in ${dir}`, {
        cause,
      });
    }
    const schema = JSON.parse(text) as AvroSchema;
    if (!isNamedSchema(schema) || fullNameOf(schema) !== fullName) {
      throw new Error(`${file} should define the record or enum ${fullName}, referenced by ${referencedBy}`);
    }
    files.set(file, schema);
    return schema;
  }

  return {
    loadSchema(fullName) {
      let schema = loaded.get(fullName);
      if (!schema) {
        const root = readNamedType(fullName, 'the caller of loadSchema');
        schema = deepFreeze(inlineNamedTypes(root, schemaFileName(fullName), readNamedType));
        loaded.set(fullName, schema);
      }
      return schema;
    },
  };
}

/**
 * Returns `root` with every reference to a named type not yet defined replaced by that
 * type's definition (read with `read`, recursively), and later references written as full
 * names. `file` is the file `root` comes from, for error messages.
 */
export function inlineNamedTypes(
  root: AvroNamedSchema,
  file: string,
  read: (fullName: string, referencedBy: string) => AvroNamedSchema,
): AvroNamedSchema {
  const defined = new Set<string>();

  function visit(schema: AvroSchema, namespace: string, file: string): AvroSchema {
    if (typeof schema === 'string') {
      if (PRIMITIVE_TYPES.includes(schema)) return schema;
      const fullName = schema.includes('.') || !namespace ? schema : `${namespace}.${schema}`;
      if (defined.has(fullName)) return fullName;
      return visit(read(fullName, file), namespace, schemaFileName(fullName));
    }
    // Only a union visits to a union, so a branch stays a branch.
    if (Array.isArray(schema)) return schema.map((branch) => visit(branch, namespace, file) as AvroUnionBranch);
    switch (schema.type) {
      case 'record':
      case 'enum': {
        const fullName = fullNameOf(schema, namespace);
        if (defined.has(fullName)) throw new Error(`${file} redefines the Avro type ${fullName}`);
        // Marked before the fields are visited, so that a recursive reference stays a name.
        defined.add(fullName);
        if (schema.type === 'enum') return { ...schema };
        const inner = fullName.slice(0, Math.max(fullName.lastIndexOf('.'), 0));
        return {
          ...schema,
          fields: schema.fields.map((field) => ({ ...field, type: visit(field.type, inner, file) })),
        };
      }
      case 'array':
        return { ...schema, items: visit(schema.items, namespace, file) };
      case 'map':
        return { ...schema, values: visit(schema.values, namespace, file) };
      default:
        if (!PRIMITIVE_TYPES.includes(schema.type)) {
          throw new Error(`${file}: unsupported Avro schema ${JSON.stringify(schema)}`);
        }
        return schema;
    }
  }

  return visit(root, '', file) as AvroNamedSchema;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const defaultLoader = createSchemaLoader();

/**
 * The self-contained Avro schema of the named type `fullName` (e.g. `sedano.JobStatusEvent`),
 * read from `schemas/`, with every type it references inlined once. Cached: the same frozen
 * object is returned on every call. Throws, naming the type and the file that referenced
 * it, when a referenced type has no schema file.
 */
export function loadSchema(fullName: string): AvroNamedSchema {
  return defaultLoader.loadSchema(fullName);
}
