/**
 * Dead-letter reasons and enum resolution, with a registry that answers one writer schema.
 * Regressions: a negative length was classed TRUNCATED; a megabyte of junk gave Node's
 * `The value of "offset" is out of range… Received NaN`; a writer enum with one more symbol
 * refused every record, even those carrying a symbol both sides know.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { noopRequestContract } from '../../../../schemas/noop-request.ts';
import { LOGICAL_TYPES } from '../../../../schemas/logical-types.ts';
import { createCodec, PoisonMessageError } from '../../../../services/lib/codec.ts';
import type { SchemaRegistry } from '../../../../services/lib/schema-registry.ts';
import { noopRequestSample } from '../../schemas/samples.ts';

function codecWriting(writer: avro.Type) {
  const registry = { getSchema: async () => writer } as unknown as SchemaRegistry;
  return createCodec({ registry, maxMessageBytes: 4_000_000 });
}

function framed(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), body]);
}

/** The noop request schema with JobType's symbols replaced. */
function withJobTypes(symbols: string[]): avro.Type {
  const schema = JSON.parse(JSON.stringify(noopRequestContract.type.schema({ exportAttrs: true }))) as {
    fields: { name: string; type: { fields: { name: string; type: { symbols?: string[] } }[] } }[];
  };
  const header = schema.fields.find((field) => field.name === 'header')!;
  header.type.fields.find((field) => field.name === 'jobType')!.type.symbols = symbols;
  return avro.Type.forSchema(schema as unknown as avro.Schema, { logicalTypes: LOGICAL_TYPES });
}

async function poison(codec: ReturnType<typeof createCodec>, value: Buffer) {
  try {
    await codec.decode(noopRequestContract, value);
  } catch (error) {
    assert.ok(error instanceof PoisonMessageError, String(error));
    return error;
  }
  return assert.fail('decoded');
}

test('dead-letter reasons: a negative length is CORRUPT, not TRUNCATED, and says where', async () => {
  const codec = codecWriting(noopRequestContract.type);
  // The header's first field is the job id, a string: zigzag 0x01 is a length of -1.
  const error = await poison(codec, framed(Buffer.from([0x01, 0x41, 0x42])));
  assert.equal(error.code, 'SEDANO_ERR_CODEC_CORRUPT');
  assert.match(error.message, /header\.jobId: a negative string length \(-1\) at byte 0/);
});

test('dead-letter reasons: a megabyte of junk is described in the project words, never an offset of NaN', async () => {
  const codec = codecWriting(noopRequestContract.type);
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) & 0xff;
  const junks = [
    Buffer.alloc(1_000_000, 0xff),
    Buffer.alloc(1_000_000, 0x80),
    Buffer.from(Array.from({ length: 1_000_000 }, random)),
  ];
  for (const junk of junks) {
    const error = await poison(codec, framed(junk));
    assert.ok(['SEDANO_ERR_CODEC_CORRUPT', 'SEDANO_ERR_CODEC_TRUNCATED'].includes(error.code), error.message);
    assert.doesNotMatch(error.message, /offset|NaN|out of range\. It must/, error.message);
    assert.match(error.message, /^the sedano\.NoopRequest body does not decode: header\.\w+: /);
  }
});

test('dead-letter reasons: a record cut short is TRUNCATED; bytes after it are CORRUPT', async () => {
  const codec = codecWriting(noopRequestContract.type);
  const body = noopRequestContract.type.toBuffer(noopRequestSample);
  const cut = await poison(codec, framed(body.subarray(0, body.length - 3)));
  assert.equal(cut.code, 'SEDANO_ERR_CODEC_TRUNCATED', cut.message);
  const longer = await poison(codec, framed(Buffer.concat([body, Buffer.from([1, 2])])));
  assert.equal(longer.code, 'SEDANO_ERR_CODEC_CORRUPT', longer.message);
  assert.match(longer.message, /2 byte\(s\) after the end of the record/);
});

test('avro enum resolution: a writer enum with one more symbol decodes a symbol both know', async () => {
  const known = noopRequestContract.type.schema() as unknown;
  assert.ok(known);
  const writer = withJobTypes([
    'INDEX_DOCUMENTS',
    'ANALYZE_DOCUMENTS',
    'TRAIN_MODEL',
    'EXPORT_REPORT',
    'NOOP',
    'MAINTENANCE',
    'FUTURE_STAGE',
  ]);
  const codec = codecWriting(writer);
  const { record } = await codec.decode(noopRequestContract, framed(writer.toBuffer(noopRequestSample)));
  assert.equal(record.header.jobType, 'NOOP');
  assert.equal(record.sleepMs, noopRequestSample.sleepMs);
  const future = { ...noopRequestSample, header: { ...noopRequestSample.header, jobType: 'FUTURE_STAGE' } };
  const error = await poison(codec, framed(writer.toBuffer(future)));
  assert.equal(error.code, 'SEDANO_ERR_CODEC_UNKNOWN_SYMBOL');
  assert.match(error.message, /header\.jobType: the symbol "FUTURE_STAGE" of sedano\.JobType is not known/);
});

test('avro enum resolution: a writer enum with fewer symbols decodes as before', async () => {
  const writer = withJobTypes(['NOOP', 'INDEX_DOCUMENTS']);
  const codec = codecWriting(writer);
  const { record } = await codec.decode(noopRequestContract, framed(writer.toBuffer(noopRequestSample)));
  assert.equal(record.header.jobType, 'NOOP');
});
