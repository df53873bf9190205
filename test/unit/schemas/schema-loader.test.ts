import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import avro from 'avsc';
import {
  type AvroNamedSchema,
  type AvroSchema,
  createSchemaLoader,
  fullNameOf,
  loadSchema,
  PRIMITIVE_TYPES,
  schemaFileName,
  SCHEMAS_DIR,
} from '../../../schemas/schema-loader.ts';

/**
 * The named types defined in `schema` and those it refers to by name, in document order, and
 * the references met before the definition they refer to (Avro requires none).
 */
function namedTypes(schema: AvroSchema): { defined: string[]; referenced: string[]; forward: string[] } {
  const defined: string[] = [];
  const referenced: string[] = [];
  const forward: string[] = [];
  const visit = (node: AvroSchema, ns: string): void => {
    if (typeof node === 'string') {
      if (PRIMITIVE_TYPES.includes(node)) return;
      const fullName = node.includes('.') ? node : `${ns}.${node}`;
      referenced.push(fullName);
      if (!defined.includes(fullName)) forward.push(fullName);
    } else if (Array.isArray(node)) {
      for (const branch of node) visit(branch, ns);
    } else if (node.type === 'record' || node.type === 'enum') {
      const fullName = node.name.includes('.') ? node.name : `${node.namespace ?? ns}.${node.name}`;
      defined.push(fullName);
      if (node.type === 'record') for (const field of node.fields) visit(field.type, fullName.replace(/\.[^.]*$/, ''));
    } else if (node.type === 'array') {
      visit(node.items, ns);
    } else if (node.type === 'map') {
      visit(node.values, ns);
    }
  };
  visit(schema, '');
  return { defined, referenced, forward };
}

/** The full name of every type in schemas/, read from its file. */
const ALL_TYPES = readdirSync(SCHEMAS_DIR)
  .filter((file) => file.endsWith('.avsc'))
  .map((file) => fullNameOf(JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as AvroNamedSchema));

function schemaDir(t: TestContext, files: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-schemas-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [file, schema] of Object.entries(files)) writeFileSync(join(dir, file), JSON.stringify(schema));
  return dir;
}

test('file names are the kebab-case of the type name', () => {
  assert.equal(schemaFileName('sedano.JobStatusEvent'), 'job-status-event.avsc');
  assert.equal(schemaFileName('sedano.smoke.SmokeEvent'), 'smoke-event.avsc');
  assert.equal(schemaFileName('Priority'), 'priority.avsc');
});

test('every named type loads as a self-contained schema that avsc accepts without a registry', () => {
  assert.ok(ALL_TYPES.length >= 50);
  assert.ok(ALL_TYPES.includes('sedano.smoke.SmokeEvent'));
  for (const fullName of ALL_TYPES) assert.equal(avro.Type.forSchema(loadSchema(fullName)).name, fullName);
});

test('each named type is defined once, before any reference to it', () => {
  for (const fullName of ALL_TYPES) {
    const { defined, forward } = namedTypes(loadSchema(fullName));
    assert.equal(new Set(defined).size, defined.length, `${fullName}: no type is defined twice`);
    assert.deepEqual(forward, [], `${fullName}: every reference follows its definition`);
  }
  // FailedDocument is reached through IndexingResult and AnalysisResult: defined at the first.
  const { defined, referenced } = namedTypes(loadSchema('sedano.JobStatusEvent'));
  assert.equal(defined.filter((name) => name === 'sedano.FailedDocument').length, 1);
  assert.equal(referenced.filter((name) => name === 'sedano.FailedDocument').length, 1);
  assert.ok(defined.indexOf('sedano.IndexingResult') < defined.indexOf('sedano.FailedDocument'));
  assert.ok(defined.indexOf('sedano.FailedDocument') < defined.indexOf('sedano.AnalysisResult'));
});

test('results are cached and frozen', () => {
  const schema = loadSchema('sedano.JobStatusEvent');
  assert.equal(loadSchema('sedano.JobStatusEvent'), schema);
  assert.ok(Object.isFrozen(schema));
  assert.throws(() => {
    (schema as { name: string }).name = 'Other';
  }, TypeError);
});

test('a missing reference names the missing type and the file that referenced it', (t) => {
  const dir = schemaDir(t, {
    'outer.avsc': { type: 'record', name: 'Outer', namespace: 'sedano', fields: [{ name: 'a', type: 'sedano.Inner' }] },
    'inner.avsc': {
      type: 'record',
      name: 'Inner',
      namespace: 'sedano',
      fields: [{ name: 'b', type: ['null', 'Gone'] }],
    },
  });
  const loader = createSchemaLoader(dir);
  assert.throws(() => loader.loadSchema('sedano.Outer'), {
    message: /Avro type sedano\.Gone, referenced by inner\.avsc, has no schema file gone\.avsc/,
  });
  assert.throws(() => loader.loadSchema('sedano.Nowhere'), { message: /sedano\.Nowhere.*nowhere\.avsc/ });
});

test('a file that does not define the type it is named after is refused', (t) => {
  const dir = schemaDir(t, {
    'outer.avsc': { type: 'record', name: 'Outer', namespace: 'sedano', fields: [{ name: 'a', type: 'sedano.Inner' }] },
    'inner.avsc': { type: 'enum', name: 'Inner', namespace: 'other', symbols: ['A'] },
  });
  assert.throws(() => createSchemaLoader(dir).loadSchema('sedano.Outer'), {
    message: /inner\.avsc should define the record or enum sedano\.Inner, referenced by outer\.avsc/,
  });
});

test('recursive and repeated references are kept as names', (t) => {
  const dir = schemaDir(t, {
    'node.avsc': {
      type: 'record',
      name: 'Node',
      namespace: 'sedano',
      fields: [
        { name: 'children', type: { type: 'array', items: 'Node' } },
        { name: 'color', type: 'sedano.Color' },
        { name: 'previous', type: ['null', 'sedano.Color'], default: null },
      ],
    },
    'color.avsc': { type: 'enum', name: 'Color', namespace: 'sedano', symbols: ['RED', 'BLUE'] },
  });
  const schema = createSchemaLoader(dir).loadSchema('sedano.Node');
  assert.deepEqual(namedTypes(schema), {
    defined: ['sedano.Node', 'sedano.Color'],
    referenced: ['sedano.Node', 'sedano.Color'],
    forward: [],
  });
  const type = avro.Type.forSchema(schema);
  const value = { children: [{ children: [], color: 'BLUE', previous: null }], color: 'RED', previous: 'BLUE' };
  assert.ok(type.isValid(value));
});
