import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import avro from 'avsc';
import {
  ANALYZE_DOCUMENTS_REQUEST_SCHEMA_NAME,
  analyzeDocumentsRequestContract,
} from '../../../schemas/analyze-documents-request.ts';
import { BATCH_DECLARATION_SCHEMA_NAME, batchDeclarationContract } from '../../../schemas/batch-declaration.ts';
import { CONTROL_COMMAND_SCHEMA_NAME, controlCommandContract } from '../../../schemas/control-command.ts';
import { DEAD_LETTER_RECORD_SCHEMA_NAME, deadLetterRecordContract } from '../../../schemas/dead-letter-record.ts';
import {
  EXPORT_REPORT_REQUEST_SCHEMA_NAME,
  exportReportRequestContract,
} from '../../../schemas/export-report-request.ts';
import {
  INDEX_DOCUMENTS_REQUEST_SCHEMA_NAME,
  indexDocumentsRequestContract,
} from '../../../schemas/index-documents-request.ts';
import { JOB_STATUS_EVENT_SCHEMA_NAME, jobStatusEventContract } from '../../../schemas/job-status-event.ts';
import { MAINTENANCE_REQUEST_SCHEMA_NAME, maintenanceRequestContract } from '../../../schemas/maintenance-request.ts';
import { NOOP_REQUEST_SCHEMA_NAME, noopRequestContract } from '../../../schemas/noop-request.ts';
import { TRAIN_MODEL_REQUEST_SCHEMA_NAME, trainModelRequestContract } from '../../../schemas/train-model-request.ts';
import {
  type AvroNamedSchema,
  type AvroSchema,
  fullNameOf,
  kebabCase,
  loadSchema,
  SCHEMAS_DIR,
} from '../../../schemas/schema-loader.ts';
import { isWrappedUnion, syncContracts, TOP_LEVEL_RECORDS } from '../../../scripts/generate-contracts.ts';
import * as samples from './samples.ts';

const CONTRACTS: { name: string; type: avro.Type; samples: object[] }[] = [
  {
    name: INDEX_DOCUMENTS_REQUEST_SCHEMA_NAME,
    type: indexDocumentsRequestContract.type,
    samples: [samples.indexDocumentsRequestSample],
  },
  {
    name: ANALYZE_DOCUMENTS_REQUEST_SCHEMA_NAME,
    type: analyzeDocumentsRequestContract.type,
    samples: [samples.analyzeDocumentsRequestSample],
  },
  {
    name: TRAIN_MODEL_REQUEST_SCHEMA_NAME,
    type: trainModelRequestContract.type,
    samples: [samples.trainModelRequestSample],
  },
  {
    name: EXPORT_REPORT_REQUEST_SCHEMA_NAME,
    type: exportReportRequestContract.type,
    samples: [samples.exportReportRequestSample],
  },
  { name: NOOP_REQUEST_SCHEMA_NAME, type: noopRequestContract.type, samples: [samples.noopRequestSample] },
  {
    name: JOB_STATUS_EVENT_SCHEMA_NAME,
    type: jobStatusEventContract.type,
    samples: [samples.jobStatusEventSample, samples.jobStatusEventRetrySample],
  },
  {
    name: MAINTENANCE_REQUEST_SCHEMA_NAME,
    type: maintenanceRequestContract.type,
    samples: [samples.maintenanceRequestSample],
  },
  { name: CONTROL_COMMAND_SCHEMA_NAME, type: controlCommandContract.type, samples: [samples.controlCommandSample] },
  {
    name: DEAD_LETTER_RECORD_SCHEMA_NAME,
    type: deadLetterRecordContract.type,
    samples: [samples.deadLetterRecordSample],
  },
  {
    name: BATCH_DECLARATION_SCHEMA_NAME,
    type: batchDeclarationContract.type,
    samples: [samples.batchDeclarationSample, samples.batchDeclarationWithoutFollowUpSample],
  },
];

/** Every named schema file, smoke-event.avsc included. */
const SCHEMA_FILES = readdirSync(SCHEMAS_DIR)
  .filter((file) => file.endsWith('.avsc'))
  .map((file) => ({ file, schema: JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as AvroNamedSchema }));
const NAMED = new Map(SCHEMA_FILES.map(({ schema }) => [fullNameOf(schema), schema] as const));

/** avsc decodes records and wrapped union branches as class instances: compare their data. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, toPlain(child)]));
}

/** The paths (dot-joined) that avsc's isValid reports for `value`. */
function invalidPaths(type: avro.Type, value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
  return paths;
}

test('every top-level record has a generated Type named after it and a sample', () => {
  assert.deepEqual(CONTRACTS.map(({ name }) => name).sort(), [...TOP_LEVEL_RECORDS].sort());
  for (const { name, type, samples } of CONTRACTS) {
    assert.equal(type.name, name);
    assert.ok(samples.length > 0, name);
  }
});

for (const { name, type, samples } of CONTRACTS) {
  test(`${name}: the samples are valid and round-trip unchanged`, () => {
    for (const sample of samples) {
      assert.deepEqual(invalidPaths(type, sample), []);
      assert.ok(type.isValid(sample, { noUndeclaredFields: true }), 'no field outside the schema');
      assert.deepEqual(toPlain(type.fromBuffer(type.toBuffer(sample))), sample);
    }
  });

  test(`${name}: a record without a required field is invalid, and the error names the field`, () => {
    const [sample] = samples;
    const required = (loadSchema(name) as { fields: { name: string; default?: unknown }[] }).fields.filter(
      (field) => field.default === undefined,
    );
    assert.ok(required.length > 0);
    for (const field of required) {
      const incomplete: Record<string, unknown> = { ...sample };
      delete incomplete[field.name];
      assert.deepEqual(invalidPaths(type, incomplete), [field.name]);
    }
  });
}

test('a nested required field is reported with its full path', () => {
  const sample = samples.indexDocumentsRequestSample;
  const incomplete = { ...sample, header: { ...sample.header, submitter: undefined } };
  assert.deepEqual(invalidPaths(indexDocumentsRequestContract.type, incomplete), ['header.submitter']);
  const badDocument = { ...sample, documents: [{ uri: 42 }] };
  assert.deepEqual(invalidPaths(indexDocumentsRequestContract.type, badDocument), ['documents.0.uri']);
});

test('unions of several records decode wrapped, keyed by the full name of the branch', () => {
  const decoded = toPlain(
    jobStatusEventContract.type.fromBuffer(jobStatusEventContract.type.toBuffer(samples.jobStatusEventSample)),
  );
  const { result, progress } = decoded as { result: object; progress: { details: object } };
  assert.deepEqual(Object.keys(result), ['sedano.IndexingResult']);
  assert.deepEqual(Object.keys(progress.details), ['sedano.IndexingProgress']);
  // An unwrapped record in their place is refused, not silently mis-encoded.
  const unwrapped = { ...samples.jobStatusEventSample, result: { sleptMs: 1, spunMs: 0, payload: null } };
  assert.deepEqual(invalidPaths(jobStatusEventContract.type, unwrapped), ['result']);
});

test('the generated modules are up to date with the schemas', async () => {
  assert.deepEqual(
    await syncContracts(SCHEMAS_DIR, true),
    { stale: [], orphans: [] },
    'run `node scripts/generate-contracts.ts`',
  );
});

test('the generator wraps exactly the unions that avsc wraps', () => {
  let unions = 0;
  for (const [fullName, schema] of NAMED) {
    if (schema.type !== 'record') continue;
    const type = avro.Type.forSchema(loadSchema(fullName)) as avro.types.RecordType;
    for (const field of schema.fields) {
      if (!Array.isArray(field.type)) continue;
      unions += 1;
      const namespace = fullName.slice(0, fullName.lastIndexOf('.'));
      const expected = type.field(field.name).type.typeName === 'union:wrapped';
      assert.equal(isWrappedUnion(field.type, { namespace, named: NAMED }), expected, `${fullName}.${field.name}`);
    }
  }
  assert.ok(unions > 50);
});

test('each schema file defines one named type, named after the file, with docs everywhere', () => {
  for (const { file, schema } of SCHEMA_FILES) {
    assert.ok(schema.type === 'record' || schema.type === 'enum', file);
    assert.equal(`${kebabCase(schema.name)}.avsc`, file);
    if (file !== 'smoke-event.avsc') assert.equal(schema.namespace, 'sedano', file);
    assert.ok(schema.doc?.trim(), `${file} has a doc`);
    if (schema.type === 'enum') {
      if (schema.default !== undefined) assert.ok(schema.symbols.includes(schema.default), file);
      continue;
    }
    for (const field of schema.fields) {
      assert.ok(field.doc?.trim(), `${schema.name}.${field.name} has a doc`);
      assert.match(field.name, /^[a-z][a-zA-Z0-9]*$/, `${schema.name}.${field.name} is camelCase`);
    }
  }
});

test('every optional field is a union with null first and defaults to null', () => {
  // Items and values are never nullable: an optional field is the whole array or map.
  const hasNull = (schema: AvroSchema): boolean => {
    if (Array.isArray(schema)) return schema.includes('null');
    if (typeof schema !== 'object') return schema === 'null';
    if (schema.type === 'array') return hasNull(schema.items);
    return schema.type === 'map' && hasNull(schema.values);
  };
  for (const { schema } of SCHEMA_FILES) {
    if (schema.type !== 'record') continue;
    for (const field of schema.fields) {
      const where: string = `${schema.name}.${field.name}`;
      if (!Array.isArray(field.type)) {
        assert.ok(!hasNull(field.type), `${where}: no nullable items or values`);
        continue;
      }
      assert.equal(field.type[0], 'null', `${where}: null comes first`);
      assert.equal(field.default, null, `${where}: defaults to null`);
    }
  }
});

test('timestamps are timestamp-millis longs and ids are uuid strings', () => {
  const logicalTypes = new Map<string, string>();
  const visit = (schema: AvroSchema): void => {
    if (Array.isArray(schema)) return schema.forEach(visit);
    if (typeof schema !== 'object') return;
    if (schema.type === 'array') return visit(schema.items);
    if (schema.type === 'map') return visit(schema.values);
    if (schema.type === 'record') return schema.fields.forEach((field) => visit(field.type));
    if ('logicalType' in schema) logicalTypes.set(schema.logicalType, schema.type);
  };
  for (const { schema } of SCHEMA_FILES) visit(schema);
  assert.deepEqual(Object.fromEntries(logicalTypes), { uuid: 'string', 'timestamp-millis': 'long' });
});
