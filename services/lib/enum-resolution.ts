/**
 * Avro enum resolution per value, as the specification says (pure): "if the writer's symbol is
 * not present in the reader's enum and the reader has a default value, then that value is
 * used, otherwise an error is signalled" — an error for that *value*, not for the schema.
 * avsc refuses the whole writer schema as soon as its enum has a symbol the reader lacks (and
 * the reader has no default), so an upstream that adds a job type for a future stage would
 * break every job it sends, even those of types both sides know.
 *
 * When avsc refuses, the reader is read through a lenient twin whose enums (those without a
 * default) also carry the writer's extra symbols; each decoded record is then checked against
 * the real reader, and a symbol it does not know is named (`unknownSymbols`).
 */
import avro from 'avsc';

/** How to read records of one writer schema with one reader type. */
export interface ReadPlan {
  /** The type to decode with: the reader itself, or its lenient twin. */
  reader: avro.Type;
  resolver: avro.Resolver;
  /** True when `reader` is the lenient twin: decoded records must be checked with `unknownSymbols`. */
  lenient: boolean;
}

type LogicalTypes = Parameters<typeof avro.Type.forSchema>[1] extends infer O
  ? O extends { logicalTypes?: infer L }
    ? L
    : never
  : never;

/** The enums of a type, by full name, with their symbols. */
function enumsOf(type: avro.Type, logicalTypes: LogicalTypes): Map<string, string[]> {
  const registry: Record<string, avro.Type> = {};
  avro.Type.forSchema(type.schema({ exportAttrs: true }), { logicalTypes, registry });
  const enums = new Map<string, string[]>();
  for (const [name, named] of Object.entries(registry)) {
    if (named instanceof avro.types.EnumType) enums.set(name, [...named.symbols]);
  }
  return enums;
}

/** A copy of a schema (JSON) in which each enum without a default also lists `extra` symbols of its writer twin. */
function widenEnums(schema: unknown, writerEnums: Map<string, string[]>, namespace: string | undefined): unknown {
  if (Array.isArray(schema)) return schema.map((branch) => widenEnums(branch, writerEnums, namespace));
  if (typeof schema !== 'object' || schema === null) return schema;
  const object = { ...(schema as Record<string, unknown>) };
  const name = typeof object['name'] === 'string' ? object['name'] : undefined;
  const ownNamespace = typeof object['namespace'] === 'string' ? object['namespace'] : namespace;
  const fullName =
    name === undefined ? undefined : name.includes('.') || !ownNamespace ? name : `${ownNamespace}.${name}`;
  const inner = fullName?.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : ownNamespace;
  if (object['type'] === 'enum' && fullName !== undefined && object['default'] === undefined) {
    const symbols = object['symbols'] as string[];
    const extra = (writerEnums.get(fullName) ?? []).filter((symbol) => !symbols.includes(symbol));
    object['symbols'] = [...symbols, ...extra];
  }
  if (Array.isArray(object['fields'])) {
    object['fields'] = (object['fields'] as Record<string, unknown>[]).map((field) => ({
      ...field,
      type: widenEnums(field['type'], writerEnums, inner),
    }));
  }
  for (const key of ['items', 'values'] as const) {
    if (object[key] !== undefined) object[key] = widenEnums(object[key], writerEnums, inner);
  }
  if (typeof object['type'] === 'object') object['type'] = widenEnums(object['type'], writerEnums, inner);
  return object;
}

/**
 * How `reader` reads records written with `writer`: directly when avsc resolves the pair, else
 * through a lenient twin when the only obstacle is enum symbols the reader lacks. Throws when
 * the schemas cannot be resolved otherwise.
 */
export function readPlan(reader: avro.Type, writer: avro.Type, logicalTypes: LogicalTypes): ReadPlan {
  try {
    return { reader, resolver: reader.createResolver(writer), lenient: false };
  } catch (error) {
    const widened = widenEnums(reader.schema({ exportAttrs: true }), enumsOf(writer, logicalTypes), undefined);
    const lenient = avro.Type.forSchema(widened as avro.Schema, { logicalTypes });
    try {
      return { reader: lenient, resolver: lenient.createResolver(writer), lenient: true };
    } catch {
      throw error;
    }
  }
}

/** Each enum value of `record` (decoded leniently) that `reader` does not know, as "path: reason" lines. */
export function unknownSymbols(reader: avro.Type, record: unknown): string[] {
  const found: string[] = [];
  reader.isValid(record, {
    errorHook: (path, value, type) => {
      const enumType =
        type instanceof avro.types.EnumType
          ? type
          : type instanceof avro.types.UnwrappedUnionType
            ? type.types.find((branch): branch is avro.types.EnumType => branch instanceof avro.types.EnumType)
            : undefined;
      if (enumType === undefined || typeof value !== 'string') return;
      found.push(
        `${path.join('.')}: the symbol "${value}" of ${enumType.name ?? 'an enum'} is not known to this reader, ` +
          `which has no default for it (it knows ${enumType.symbols.join(', ')})`,
      );
    },
  });
  return found;
}
