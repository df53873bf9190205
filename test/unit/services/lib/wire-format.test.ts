import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { frameAvro, parseWireFormat } from '../../../../services/lib/wire-format.ts';

test('splits magic byte, big-endian schema id and body', () => {
  const frame = parseWireFormat(Buffer.from([0, 0, 0, 1, 2, 0xaa, 0xbb]));
  assert.equal(frame.schemaId, 258);
  assert.deepEqual([...frame.body], [0xaa, 0xbb]);
});

test('refuses messages that are not Confluent-framed', () => {
  assert.throws(() => parseWireFormat(Buffer.from('{"json":true}')), /not the Confluent magic byte 0/);
  assert.throws(() => parseWireFormat(Buffer.from([0, 0, 1])), /shorter than the 5-byte Confluent header/);
});

test('frameAvro frames a record as magic byte, schema id and avsc body, each buffer its own, however large', () => {
  const type = avro.Type.forSchema({
    type: 'record',
    name: 'Note',
    fields: [
      { name: 'id', type: 'int' },
      { name: 'text', type: 'string' },
    ],
  });
  const small = { id: 7, text: 'hello' };
  const first = frameAvro(42, type, small);
  assert.deepEqual(first, Buffer.concat([Buffer.from([0, 0, 0, 0, 42]), type.toBuffer(small)]));
  // Larger than the scratch buffer (64 KiB): it grows, and the record is framed whole.
  const large = { id: -1, text: 'x'.repeat(200_000) };
  const framed = frameAvro(70_000, type, large);
  assert.deepEqual(parseWireFormat(framed), { schemaId: 70_000, body: type.toBuffer(large) });
  const again = frameAvro(42, type, { id: 8, text: 'later' });
  assert.deepEqual(first, Buffer.concat([Buffer.from([0, 0, 0, 0, 42]), type.toBuffer(small)]), 'not overwritten');
  assert.deepEqual({ ...type.fromBuffer(parseWireFormat(again).body) }, { id: 8, text: 'later' });
});
