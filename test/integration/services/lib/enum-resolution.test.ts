/**
 * Avro enum resolution per value, through the schema registry: an upstream whose JobType has
 * one more symbol (a job type for a future stage) and one whose JobType has fewer, each a
 * registered version of one subject. sedano's reader decodes every record carrying a symbol
 * it knows, and refuses one it does not with SEDANO_ERR_CODEC_UNKNOWN_SYMBOL naming the symbol
 * (the stage runtime dead-letters it with that reason).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noopRequestContract } from '../../../../schemas/noop-request.ts';
import { createCodec, PoisonMessageError } from '../../../../services/lib/codec.ts';
import { registerAvroSchema } from '../../../../services/lib/schema-registry.ts';
import { deleteSubjectAfter, schemaRegistry, uniqueName } from '../../../support/resources.ts';
import { noopRequestSample } from '../../../unit/schemas/samples.ts';

const SEDANO_JOB_TYPES = [
  'INDEX_DOCUMENTS',
  'ANALYZE_DOCUMENTS',
  'TRAIN_MODEL',
  'EXPORT_REPORT',
  'NOOP',
  'MAINTENANCE',
];

/** sedano's NoopRequest schema text with JobType's symbols replaced. */
function withJobTypes(symbols: string[]): string {
  const schema = JSON.parse(JSON.stringify(noopRequestContract.type.schema({ exportAttrs: true }))) as {
    fields: { name: string; type: { fields: { name: string; type: { symbols?: string[] } }[] } }[];
  };
  const header = schema.fields.find((field) => field.name === 'header')!;
  header.type.fields.find((field) => field.name === 'jobType')!.type.symbols = symbols;
  return JSON.stringify(schema);
}

test('avro enum resolution per value, with two registered schema versions in both directions', async (t) => {
  const registry = schemaRegistry();
  const subject = `${uniqueName('test-enum-resolution')}-value`;
  deleteSubjectAfter(t, subject);
  const older = await registerAvroSchema(registry, subject, withJobTypes(['NOOP', 'INDEX_DOCUMENTS']), 'NONE');
  const newer = await registerAvroSchema(
    registry,
    subject,
    withJobTypes([...SEDANO_JOB_TYPES, 'FUTURE_STAGE']),
    'NONE',
  );
  assert.notEqual(older, newer, 'two versions');
  const codec = createCodec({ registry });

  // Upstream newer than sedano: a symbol both know decodes; the new one is refused by name.
  const fromNewer = await codec.decode(noopRequestContract, await registry.encode(newer, noopRequestSample));
  assert.equal(fromNewer.record.header.jobType, 'NOOP');
  assert.equal(fromNewer.schemaId, newer);
  const future = { ...noopRequestSample, header: { ...noopRequestSample.header, jobType: 'FUTURE_STAGE' } };
  await assert.rejects(codec.decode(noopRequestContract, await registry.encode(newer, future)), (error: unknown) => {
    assert.ok(error instanceof PoisonMessageError);
    assert.equal(error.code, 'SEDANO_ERR_CODEC_UNKNOWN_SYMBOL');
    assert.match(error.message, /"FUTURE_STAGE"/);
    return true;
  });

  // Upstream older than sedano: its symbols are a subset, every record decodes.
  const fromOlder = await codec.decode(noopRequestContract, await registry.encode(older, noopRequestSample));
  assert.equal(fromOlder.record.header.jobType, 'NOOP');
});
