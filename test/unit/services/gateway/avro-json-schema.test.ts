import assert from 'node:assert/strict';
import { test } from 'node:test';
import { avroToJsonSchema, fillDefaults } from '../../../../services/gateway/avro-json-schema.ts';
import { PAYLOAD_SCHEMAS } from '../../../../services/gateway/schemas.ts';
import { compileValidator } from '../../../../services/gateway/validation.ts';
import { STAGE_REQUEST_CONTRACTS } from '../../../../topology/contracts.ts';
import { validationProblems } from '../../../../services/lib/record-validation.ts';
import { STAGES } from '../../../../topology/topics.ts';

const schema = {
  type: 'record',
  name: 'Sample',
  namespace: 'test',
  doc: 'A sample.',
  fields: [
    { name: 'header', type: { type: 'record', name: 'Header', fields: [{ name: 'id', type: 'string' }] } },
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'count', type: 'int', default: 3 },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] }, default: 'A' },
    { name: 'maybeKind', type: ['null', 'test.Kind'], default: null },
    { name: 'tags', type: { type: 'map', values: 'string' }, default: {} },
    {
      name: 'inner',
      type: ['null', { type: 'record', name: 'Inner', fields: [{ name: 'depth', type: 'double', default: 1.5 }] }],
      default: null,
    },
    { name: 'items', type: { type: 'array', items: 'test.Inner' }, default: [] },
    { name: 'either', type: ['null', 'string', 'test.Inner'], default: null },
    { name: 'again', type: 'test.Header', default: { id: 'x' } },
  ],
};

test('records become closed objects; defaults make fields optional and are recorded', () => {
  const json = avroToJsonSchema(schema, { omitFields: ['header'] });
  assert.equal(json['type'], 'object');
  assert.equal(json['additionalProperties'], false);
  assert.equal(json['description'], 'A sample.');
  assert.deepEqual(json['required'], ['id', 'at']);
  const properties = json['properties'] as Record<string, Record<string, unknown>>;
  assert.ok(!('header' in properties), 'the omitted field is left out');
  assert.deepEqual(properties['id'], { type: 'string', format: 'uuid' });
  assert.equal(properties['count']!['default'], 3);
  assert.equal(properties['count']!['maximum'], 2_147_483_647);
  assert.equal(properties['at']!['type'], 'integer');
  assert.deepEqual(properties['note']!['type'], ['string', 'null']);
  assert.deepEqual(properties['kind']!['enum'], ['A', 'B']);
  assert.deepEqual(properties['maybeKind']!['enum'], ['A', 'B', null], 'a named type referenced again by name');
  assert.deepEqual(properties['tags']!['additionalProperties'], { type: 'string' });
  assert.equal((properties['inner']!['anyOf'] as unknown[]).length, 2);
  assert.equal((properties['either']!['oneOf'] as unknown[]).length, 3, 'wrapped branches and null');
  assert.equal(
    (properties['again']!['properties'] as Record<string, unknown>)['id'] !== undefined,
    true,
    'a type defined in an omitted field',
  );
});

test('the JSON schema accepts what the contract accepts and refuses what it refuses', () => {
  const validate = compileValidator(avroToJsonSchema(schema, { omitFields: ['header'] }), 'body');
  const good = { id: '6f1c0a52-d9e2-4c8e-8b3a-5d0f7e2c9a41', at: 1, either: { 'test.Inner': { depth: 2 } } };
  assert.equal(validate(good), true, JSON.stringify(validate.errors));
  for (const bad of [
    { ...good, id: 'x' },
    { ...good, count: 1.5 },
    { ...good, count: 2 ** 31 },
    { ...good, kind: 'C' },
    { ...good, unknown: 1 },
    { ...good, either: { 'test.Nope': {} } },
    { at: 1 },
  ]) {
    assert.equal(validate(bad), false, JSON.stringify(bad));
  }
});

test('bytes, fixed and recursive types are refused', () => {
  assert.throws(() => avroToJsonSchema({ type: 'record', name: 'B', fields: [{ name: 'b', type: 'bytes' }] }), /bytes/);
  assert.throws(() => avroToJsonSchema({ type: 'fixed', name: 'F', size: 2 }), /fixed/);
  assert.throws(
    () => avroToJsonSchema({ type: 'record', name: 'R', fields: [{ name: 'next', type: ['null', 'R'] }] }),
    /recursive/,
  );
});

test('fillDefaults completes nested records, arrays and nullable records without touching its input', () => {
  const json = avroToJsonSchema(schema, { omitFields: ['header'] });
  const input = { id: 'i', at: 1, inner: {}, items: [{}, { depth: 3 }] };
  const filled = fillDefaults(json, input) as Record<string, unknown>;
  assert.equal(filled['count'], 3);
  assert.equal(filled['note'], null);
  assert.deepEqual(filled['inner'], { depth: 1.5 });
  assert.deepEqual(filled['items'], [{ depth: 1.5 }, { depth: 3 }]);
  assert.deepEqual(filled['again'], { id: 'x' });
  assert.deepEqual(input.inner, {}, 'the input is unchanged');
});

test("every stage's minimal valid payload, with defaults filled, is a valid Avro request", () => {
  const header = {
    jobId: '6f1c0a52-d9e2-4c8e-8b3a-5d0f7e2c9a41',
    jobType: 'NOOP',
    priority: 'NORMAL',
    batchId: null,
    parentJobId: null,
    idempotencyKey: null,
    submittedAt: 1,
    submitter: 't',
    retryPolicy: null,
    softTimeLimitMs: null,
    hardTimeLimitMs: null,
  };
  const minimal: Record<(typeof STAGES)[number], Record<string, unknown>> = {
    indexing: { collection: 'c', documents: [{ uri: 'a.pdf' }] },
    analysis: { analysisType: 'SENTIMENT' },
    training: { modelType: 't', modelName: 'm' },
    export: { title: 'T', sections: [{ heading: 'H', table: { columns: ['a'] } }] },
    noop: {},
  };
  for (const stage of STAGES) {
    const validate = compileValidator(PAYLOAD_SCHEMAS[stage], 'body');
    assert.equal(validate(minimal[stage]), true, `${stage}: ${JSON.stringify(validate.errors)}`);
    const record = { ...(fillDefaults(PAYLOAD_SCHEMAS[stage], minimal[stage]) as object), header };
    assert.deepEqual(validationProblems(STAGE_REQUEST_CONTRACTS[stage], record), [], stage);
  }
});
