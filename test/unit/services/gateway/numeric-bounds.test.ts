/**
 * Published limits and the codec agree: for every numeric field of every payload (at any
 * depth) and of the submission options, the JSON Schema the API publishes accepts a value at
 * or around its boundaries exactly when the codec (avsc) accepts it. Regression: sleepMs of
 * ±9007199254740991 was inside the OpenAPI bounds but refused by the codec with `expected long`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import type { JsonSchema } from '../../../../services/gateway/avro-json-schema.ts';
import { OPTION_SCHEMAS, PAYLOAD_SCHEMAS } from '../../../../services/gateway/schemas.ts';
import { compileValidator } from '../../../../services/gateway/validation.ts';
import { STAGE_REQUEST_CONTRACTS } from '../../../../topology/contracts.ts';
import { STAGES } from '../../../../topology/topics.ts';

interface NumericField {
  path: string;
  type: avro.Type;
  json: JsonSchema;
}

/** The non-null branch of a nullable JSON schema (`type: [T, 'null']` or `anyOf: [S, null]`). */
function nonNull(json: JsonSchema): JsonSchema {
  const anyOf = json['anyOf'];
  if (Array.isArray(anyOf)) return (anyOf as JsonSchema[]).find((branch) => branch['type'] !== 'null') ?? json;
  return json;
}

/** Every numeric field under `type`, with the JSON schema the API publishes for it. */
function numericFields(type: avro.Type, json: JsonSchema, path: string): NumericField[] {
  if (type instanceof avro.types.LogicalType) return numericFields(type.underlyingType, json, path);
  if (type instanceof avro.types.UnwrappedUnionType) {
    const branches = type.types.filter((branch) => branch.typeName !== 'null');
    return branches.length === 1 ? numericFields(branches[0]!, nonNull(json), path) : [];
  }
  if (type instanceof avro.types.RecordType) {
    const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
    return type.fields.flatMap((field) =>
      properties[field.name] === undefined
        ? []
        : numericFields(field.type, properties[field.name]!, `${path}/${field.name}`),
    );
  }
  if (type instanceof avro.types.ArrayType)
    return numericFields(type.itemsType, json['items'] as JsonSchema, `${path}/0`);
  if (type instanceof avro.types.MapType) {
    return numericFields(type.valuesType as avro.Type, json['additionalProperties'] as JsonSchema, `${path}/k`);
  }
  return ['int', 'long', 'float', 'double'].includes(type.typeName) ? [{ path, type, json }] : [];
}

const BOUNDARIES = [
  0,
  1,
  -1,
  0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  -Number.MAX_SAFE_INTEGER + 1,
  -Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER - 1,
  2 ** 60,
  1e308,
];

function fieldsOfEveryPayload(): NumericField[] {
  return STAGES.flatMap((stage) => {
    const record = STAGE_REQUEST_CONTRACTS[stage].type as avro.types.RecordType;
    const payload = record.fields
      .filter((field) => field.name !== 'header')
      .flatMap((field) => {
        const json = (PAYLOAD_SCHEMAS[stage]['properties'] as Record<string, JsonSchema>)[field.name]!;
        return numericFields(field.type, json, `${stage}:/payload/${field.name}`);
      });
    return payload;
  });
}

function fieldsOfTheOptions(): NumericField[] {
  const header = (STAGE_REQUEST_CONTRACTS.noop.type as avro.types.RecordType).field('header')
    .type as avro.types.RecordType;
  return Object.entries(OPTION_SCHEMAS).flatMap(([name, json]) =>
    numericFields(header.field(name).type, json, `/${name}`),
  );
}

test('published limits and the codec disagree no more: every payload number at its boundaries', () => {
  const fields = fieldsOfEveryPayload();
  assert.ok(fields.length >= 5, `${fields.length} numeric payload fields`);
  for (const { path, type, json } of fields) {
    const validate = compileValidator(json, 'body');
    for (const value of BOUNDARIES) {
      assert.equal(validate(value), type.isValid(value), `${path} = ${value}: JSON Schema and codec agree`);
    }
  }
});

test('published limits and the codec: a submission option the API accepts, the codec accepts', () => {
  const fields = fieldsOfTheOptions();
  assert.ok(fields.length >= 3, `${fields.length} numeric option fields`);
  for (const { path, type, json } of fields) {
    const validate = compileValidator(json, 'body');
    for (const value of BOUNDARIES) {
      // Options may be narrower than the codec on purpose (a time limit above 0), never wider.
      if (validate(value)) assert.ok(type.isValid(value), `${path} = ${value} accepted by the API and the codec`);
    }
    assert.ok(
      validate(Number.MAX_SAFE_INTEGER - 1) === type.isValid(Number.MAX_SAFE_INTEGER - 1),
      `${path} at its top`,
    );
  }
});
