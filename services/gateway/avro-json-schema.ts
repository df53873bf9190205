/**
 * Avro → JSON Schema (draft 2020-12, as OpenAPI 3.1 and Ajv read it), for the request bodies
 * of the API (pure). The HTTP body of a job is its Avro record as JSON, without the header
 * the gateway fills in, so the body schema is derived from the contract instead of written
 * twice:
 *
 * - records are closed objects (`additionalProperties: false`); a field with a default is
 *   optional and its default is recorded (`fillDefaults` puts it in before encoding);
 * - `["null", T]` is a nullable T; a union of several non-null branches is avsc's wrapped
 *   form `{ "<branch name>": value }`;
 * - enums list their symbols; `int` and `long` are integers within the range the codec
 *   (avsc) accepts: an int's 32 bits, a long within ±(2^53 - 2) (avsc refuses ±(2^53 - 1),
 *   whose encoding it cannot round-trip exactly); a `uuid` string has `format: uuid`;
 * - `bytes` and `fixed` cannot travel in JSON: converting a schema that has them throws.
 *
 * Named types are inlined at each use (sedano's contracts are not recursive; a recursive one throws).
 */

/** A JSON Schema as a plain object. */
export type JsonSchema = { [keyword: string]: unknown };

export interface AvroToJsonSchemaOptions {
  /** Top-level record fields left out (e.g. `header`, which the gateway fills in). */
  omitFields?: readonly string[];
}

interface AvroNamed {
  type: 'record' | 'enum' | 'fixed' | 'error';
  name: string;
  namespace?: string;
  doc?: string;
  fields?: { name: string; type: unknown; doc?: string; default?: unknown }[];
  symbols?: string[];
}

const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;
/** The largest long avsc encodes (its `isSafeLong`): one below Number.MAX_SAFE_INTEGER. */
export const LONG_MAX = 9_007_199_254_740_990;
export const LONG_MIN = -LONG_MAX;

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined ? name : `${namespace}.${name}`;
}

/** The name a union branch is wrapped under by avsc: a named type's full name, else the type's name. */
function branchName(schema: unknown, namespace: string | undefined): string {
  if (typeof schema === 'string') return fullName(schema, namespace);
  const object = schema as { type: unknown; name?: string; namespace?: string; logicalType?: string };
  if (typeof object.name === 'string') return fullName(object.name, object.namespace ?? namespace);
  return typeof object.type === 'string' ? object.type : 'union';
}

class Converter {
  /** Named types seen so far, by full name, in Avro form (they may be referenced later by name). */
  readonly named = new Map<string, { schema: AvroNamed; namespace: string | undefined }>();
  /** Named types being converted, to refuse recursion. */
  readonly converting = new Set<string>();

  convert(schema: unknown, namespace: string | undefined, omitFields: readonly string[] = []): JsonSchema {
    if (Array.isArray(schema)) return this.union(schema, namespace);
    if (typeof schema === 'string') return this.reference(schema, namespace);
    if (typeof schema !== 'object' || schema === null) throw new TypeError(`not an Avro schema: ${String(schema)}`);
    const object = schema as { type: unknown; logicalType?: unknown; items?: unknown; values?: unknown };
    if (object.logicalType === 'uuid' && object.type === 'string') return { type: 'string', format: 'uuid' };
    switch (object.type) {
      case 'array':
        return { type: 'array', items: this.convert(object.items, namespace) };
      case 'map':
        return { type: 'object', additionalProperties: this.convert(object.values, namespace) };
      case 'record':
      case 'error':
      case 'enum':
      case 'fixed':
        return this.namedType(schema as AvroNamed, namespace, omitFields);
      default:
        // A primitive written as an object, e.g. { "type": "long", "logicalType": "timestamp-millis" }.
        return this.reference(object.type as string, namespace);
    }
  }

  private reference(name: string, namespace: string | undefined): JsonSchema {
    switch (name) {
      case 'null':
        return { type: 'null' };
      case 'boolean':
        return { type: 'boolean' };
      case 'int':
        return { type: 'integer', minimum: INT_MIN, maximum: INT_MAX };
      case 'long':
        return { type: 'integer', minimum: LONG_MIN, maximum: LONG_MAX };
      case 'float':
      case 'double':
        return { type: 'number' };
      case 'string':
        return { type: 'string' };
      case 'bytes':
        throw new TypeError('Avro bytes cannot be carried in a JSON body');
    }
    const key = fullName(name, namespace);
    const known = this.named.get(key);
    if (!known) throw new TypeError(`unknown Avro type "${key}"`);
    return this.namedType(known.schema, known.namespace, []);
  }

  private namedType(schema: AvroNamed, outer: string | undefined, omitFields: readonly string[]): JsonSchema {
    const name = fullName(schema.name, schema.namespace ?? outer);
    const namespace = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
    this.named.set(name, { schema, namespace: outer });
    const described = (json: JsonSchema): JsonSchema =>
      schema.doc === undefined ? { title: name, ...json } : { title: name, description: schema.doc, ...json };
    if (schema.type === 'enum') return described({ type: 'string', enum: [...(schema.symbols ?? [])] });
    if (schema.type === 'fixed') throw new TypeError(`Avro fixed ${name} cannot be carried in a JSON body`);
    if (this.converting.has(name)) throw new TypeError(`recursive Avro type ${name} is not supported`);
    this.converting.add(name);
    try {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const field of schema.fields ?? []) {
        // An omitted field is converted too: named types defined inside it may be referenced later.
        const converted = this.convert(field.type, namespace);
        if (omitFields.includes(field.name)) continue;
        const property: JsonSchema = { ...converted };
        if (field.doc !== undefined) property['description'] = field.doc;
        if (field.default !== undefined) property['default'] = field.default;
        else required.push(field.name);
        properties[field.name] = property;
      }
      return described({ type: 'object', properties, required, additionalProperties: false });
    } finally {
      this.converting.delete(name);
    }
  }

  private union(branches: unknown[], namespace: string | undefined): JsonSchema {
    const nullable = branches.includes('null');
    const others = branches.filter((branch) => branch !== 'null');
    if (others.length === 0) return { type: 'null' };
    if (others.length === 1) {
      const only = this.convert(others[0], namespace);
      if (!nullable) return only;
      // A primitive-like branch takes `null` into its type list (plainer validation messages).
      if (typeof only['type'] === 'string' && only['type'] !== 'object' && only['type'] !== 'array') {
        const json: JsonSchema = { ...only, type: [only['type'], 'null'] };
        if (Array.isArray(only['enum'])) json['enum'] = [...(only['enum'] as unknown[]), null];
        return json;
      }
      return { anyOf: [only, { type: 'null' }] };
    }
    const wrapped = others.map((branch): JsonSchema => {
      const name = branchName(branch, namespace);
      return {
        type: 'object',
        properties: { [name]: this.convert(branch, namespace) },
        required: [name],
        additionalProperties: false,
      };
    });
    return { oneOf: nullable ? [...wrapped, { type: 'null' }] : wrapped };
  }
}

/** The JSON Schema of an Avro schema (see the module comment). */
export function avroToJsonSchema(schema: unknown, options: AvroToJsonSchemaOptions = {}): JsonSchema {
  return new Converter().convert(schema, undefined, options.omitFields ?? []);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of `value` with every missing property that has a default in `schema` set to it,
 * at any depth (records, arrays, maps, nullable records); `value` is not modified (pure).
 * Meant for a value that already passed validation against `schema`.
 */
export function fillDefaults(schema: JsonSchema, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = schema['items'];
    return isPlainObject(items) ? value.map((item) => fillDefaults(items, item)) : value;
  }
  if (!isPlainObject(value)) return value;
  const anyOf = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(anyOf)) {
    // The branch the value belongs to: the only object branch of a nullable, or the one naming its key.
    const branch = (anyOf as JsonSchema[]).find((candidate) => {
      if (candidate['type'] !== 'object') return false;
      const properties = candidate['properties'];
      if (!isPlainObject(properties) || candidate['additionalProperties'] !== false) return true;
      return Object.keys(value).every((key) => key in properties);
    });
    return branch === undefined ? value : fillDefaults(branch, value);
  }
  const result: Record<string, unknown> = { ...value };
  const properties = schema['properties'];
  if (isPlainObject(properties)) {
    for (const [name, property] of Object.entries(properties)) {
      if (!isPlainObject(property)) continue;
      if (!(name in result) && 'default' in property) result[name] = structuredClone(property['default']);
      if (name in result) result[name] = fillDefaults(property, result[name]);
    }
  }
  const additional = schema['additionalProperties'];
  if (isPlainObject(additional)) {
    for (const [name, entry] of Object.entries(result)) {
      if (!isPlainObject(properties) || !(name in properties)) result[name] = fillDefaults(additional, entry);
    }
  }
  return result;
}
