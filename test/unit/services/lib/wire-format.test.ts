import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWireFormat } from '../../../../services/lib/wire-format.ts';

test('splits magic byte, big-endian schema id and body', () => {
  const frame = parseWireFormat(Buffer.from([0, 0, 0, 1, 2, 0xaa, 0xbb]));
  assert.equal(frame.schemaId, 258);
  assert.deepEqual([...frame.body], [0xaa, 0xbb]);
});

test('refuses messages that are not Confluent-framed', () => {
  assert.throws(() => parseWireFormat(Buffer.from('{"json":true}')), /not the Confluent magic byte 0/);
  assert.throws(() => parseWireFormat(Buffer.from([0, 0, 1])), /shorter than the 5-byte Confluent header/);
});
