import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { LOGICAL_TYPES } from '../../../schemas/logical-types.ts';

const type = avro.Type.forSchema(
  { type: 'record', name: 'Ref', fields: [{ name: 'id', type: { type: 'string', logicalType: 'uuid' } }] },
  { logicalTypes: LOGICAL_TYPES },
);

test('a uuid field takes a UUID in either case and refuses anything else, whatever was checked before it', () => {
  const id = '0193a0c4-8f5e-7a2b-9c3d-1e2f3a4b5c6d';
  assert.equal(type.isValid({ id }), true);
  // The same text again, as another string: the remembered last UUID answers it.
  assert.equal(type.isValid({ id: ['0193a0c4', '8f5e-7a2b-9c3d-1e2f3a4b5c6d'].join('-') }), true);
  for (const bad of [`${id}x`, id.slice(1), 'not-a-uuid', '', 42, null]) {
    assert.equal(type.isValid({ id: bad }), false, `refused: ${String(bad)}`);
  }
  assert.equal(type.isValid({ id: id.toUpperCase() }), true);
  assert.equal(type.isValid({ id: id.replace('-', '_') }), false);
  assert.deepEqual({ ...type.fromBuffer(type.toBuffer({ id })) }, { id });
});
