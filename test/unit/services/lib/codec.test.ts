import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaText } from '../../../../schemas/contract.ts';
import { noopRequestContract } from '../../../../schemas/noop-request.ts';
import { createCodec, PoisonMessageError, validationProblems } from '../../../../services/lib/codec.ts';
import type { SchemaRegistry } from '../../../../services/lib/schema-registry.ts';
import { indexDocumentsRequestContract } from '../../../../schemas/index-documents-request.ts';
import { indexDocumentsRequestSample, noopRequestSample } from '../../schemas/samples.ts';

test('a valid record has no problems, fields with defaults may be left out', () => {
  assert.deepEqual(validationProblems(noopRequestContract, noopRequestSample), []);
  const { sleepMs: _sleep, cpuSpinMs: _spin, ...withoutDefaults } = noopRequestSample;
  assert.deepEqual(validationProblems(noopRequestContract, withoutDefaults), []);
});

test('every bad field is named with its path, what was expected and what was given', () => {
  const bad = {
    ...indexDocumentsRequestSample,
    header: { ...indexDocumentsRequestSample.header, jobId: 'not-a-uuid', priority: 'URGENT', submitter: undefined },
    documents: [{ uri: 42, documentId: null, contentType: null, metadata: {} }],
  };
  const problems = validationProblems(indexDocumentsRequestContract, bad);
  assert.deepEqual(problems, [
    'header.jobId: expected a uuid string, got "not-a-uuid"',
    'header.priority: expected one of HIGH, NORMAL, LOW, got "URGENT"',
    'header.submitter: expected string, got nothing (the field is missing)',
    'documents.0.uri: expected string, got 42',
  ]);
});

// The codec refuses these before it needs the registry, so none is given.
const offline = createCodec({ registry: {} as SchemaRegistry, maxMessageBytes: 64 });

test('encode refuses an invalid record before producing, naming the field', async () => {
  await assert.rejects(
    offline.encode(
      { subject: 's-value', contract: noopRequestContract, compatibility: 'FULL' },
      { ...noopRequestSample, sleepMs: 'soon' as unknown as number },
    ),
    { code: 'SEDANO_ERR_CODEC_INVALID_RECORD', message: /sleepMs: expected long, got "soon"/ },
  );
});

test('decode classifies messages that are not Confluent-framed or too large', async () => {
  const cases: [Buffer | null, string][] = [
    [null, 'SEDANO_ERR_CODEC_NOT_FRAMED'],
    [Buffer.from('{"json": "instead of avro"}'), 'SEDANO_ERR_CODEC_NOT_FRAMED'],
    [Buffer.from([0, 0, 1]), 'SEDANO_ERR_CODEC_NOT_FRAMED'],
    [Buffer.alloc(65), 'SEDANO_ERR_CODEC_OVERSIZE'],
  ];
  for (const [value, code] of cases) {
    await assert.rejects(offline.decode(noopRequestContract, value), (error: unknown) => {
      assert.ok(error instanceof PoisonMessageError);
      assert.equal(error.code, code);
      assert.equal(error.retriable, false);
      return true;
    });
  }
});

// Regression: avsc's Type#schema() dropped timestamp-millis, so the registry held plain longs.
test('the registered schema text keeps every logical type, default and doc', () => {
  const text = schemaText(noopRequestContract);
  assert.match(text, /"name":"submittedAt","type":\{"type":"long","logicalType":"timestamp-millis"\}/);
  assert.match(text, /"logicalType":"uuid"/);
  assert.match(text, /"name":"sleepMs","type":"long","doc":"[^"]+","default":0/);
});
