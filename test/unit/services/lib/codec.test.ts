import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaText } from '../../../../schemas/contract.ts';
import { noopRequestContract } from '../../../../schemas/noop-request.ts';
import { createCodec, PoisonMessageError } from '../../../../services/lib/codec.ts';
import { validationProblems } from '../../../../services/lib/record-validation.ts';
import { frameAvro } from '../../../../services/lib/wire-format.ts';
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

/** A registry that holds the noop request's schema under the ids in `held`, answers 404 for others, and counts the asks. */
function registryHolding(held: Set<number>): { registry: SchemaRegistry; asks: number[] } {
  const asks: number[] = [];
  const registry = {
    getSchema: (id: number) => {
      asks.push(id);
      return held.has(id)
        ? Promise.resolve(noopRequestContract.type)
        : Promise.reject(Object.assign(new Error(`Schema ${id} not found.`), { status: 404 }));
    },
  } as unknown as SchemaRegistry;
  return { registry, asks };
}

const framed = (id: number) => frameAvro(id, noopRequestContract.type, noopRequestSample);

// Regression: Apicurio answers 404 for ids it holds while it loads its journal at start, and a
// status projector dead-lettered a real record then (registry-outage.test.ts).
test('a schema id the registry does not know is asked for again, and is poison only if it stays unknown', async () => {
  const held = new Set<number>();
  const { registry, asks } = registryHolding(held);
  const codec = createCodec({ registry, registryConfirmMs: 400 });

  // Unknown for good: asked again until the confirmation time is up, then poison.
  const startedAt = performance.now();
  await assert.rejects(codec.decode(noopRequestContract, framed(7)), (error: unknown) => {
    assert.ok(error instanceof PoisonMessageError);
    assert.equal(error.code, 'SEDANO_ERR_CODEC_UNKNOWN_SCHEMA');
    assert.match(error.message, /schema id 7 is not in the registry \(it answered 404 for 400 ms\)/);
    return true;
  });
  assert.ok(performance.now() - startedAt >= 300, 'the last ask came at least 300 ms after the first');
  assert.ok(asks.length >= 2, `asked ${asks.length} times`);
  // The next message of that id is poison at once, without asking.
  const asked = asks.length;
  await assert.rejects(codec.decode(noopRequestContract, framed(7)), {
    code: 'SEDANO_ERR_CODEC_UNKNOWN_SCHEMA',
    message: 'schema id 7 is not in the registry (it answered 404 within the last 60000 ms)',
  });
  assert.equal(asks.length, asked);

  // Unknown at first (a registry still loading), then known: the message decodes.
  setTimeout(() => held.add(8), 150);
  const decoded = await codec.decode(noopRequestContract, framed(8));
  assert.equal(decoded.schemaId, 8);
  assert.equal(decoded.record.header.jobId, noopRequestSample.header.jobId);
  assert.ok(asks.filter((id) => id === 8).length >= 2);
});

test('concurrent messages of one unknown schema id share one lookup', async () => {
  const { registry, asks } = registryHolding(new Set());
  const codec = createCodec({ registry, registryConfirmMs: 200 });
  const verdicts = await Promise.allSettled(
    Array.from({ length: 20 }, () => codec.decode(noopRequestContract, framed(9))),
  );
  assert.ok(verdicts.every((verdict) => verdict.status === 'rejected'));
  assert.ok(asks.length <= 5, `asked ${asks.length} times for 20 messages`);
});

/** A registry whose registrations answer 409 `conflicts` times (as a registry still loading does), then id 5. */
function registryConflicting(conflicts: number): { registry: SchemaRegistry; registrations: () => number } {
  let registrations = 0;
  const registry = {
    register: () => {
      registrations += 1;
      return registrations > conflicts
        ? Promise.resolve({ id: 5 })
        : Promise.reject(Object.assign(new Error('An artifact with ID x already exists.'), { status: 409 }));
    },
  } as unknown as SchemaRegistry;
  return { registry, registrations: () => registrations };
}

const noopBinding = { subject: 'noop-value', contract: noopRequestContract, compatibility: 'FULL' } as const;

test('a registration answered 409 is asked again, and is incompatible only if it stays so', async () => {
  const loading = registryConflicting(2);
  const codec = createCodec({ registry: loading.registry, registryConfirmMs: 2_000 });
  await codec.prepare(noopBinding);
  assert.equal(loading.registrations(), 3);
  // Prepared: encoding asks the registry nothing more.
  assert.equal((await codec.encode(noopBinding, noopRequestSample)).readUInt32BE(1), 5);
  assert.equal(loading.registrations(), 3);

  const incompatible = registryConflicting(Infinity);
  const refusing = createCodec({ registry: incompatible.registry, registryConfirmMs: 300 });
  await assert.rejects(refusing.encode(noopBinding, noopRequestSample), {
    code: 'SEDANO_ERR_REGISTRY_INCOMPATIBLE',
    message: /sedano.NoopRequest is not FULL-compatible with noop-value/,
  });
  assert.ok(incompatible.registrations() >= 2, `asked ${incompatible.registrations()} times`);
});

test('after the registry failed, its 404s are doubted longer: a registry back from a restart may still be loading', async () => {
  let answer: 'down' | 'loading' | 'loaded' = 'down';
  const registry = {
    getSchema: () => {
      if (answer === 'loaded') return Promise.resolve(noopRequestContract.type);
      const status = answer === 'down' ? undefined : 404;
      return Promise.reject(Object.assign(new Error(answer), { status }));
    },
  } as unknown as SchemaRegistry;
  const codec = createCodec({ registry, registryConfirmMs: 100, registryRecoveryConfirmMs: 5_000 });
  await assert.rejects(codec.decode(noopRequestContract, framed(11)), { code: 'SEDANO_ERR_REGISTRY_UNAVAILABLE' });
  answer = 'loading';
  // Loaded after 600 ms of 404s: six times the usual wait, within the recovery one.
  setTimeout(() => (answer = 'loaded'), 600);
  assert.equal((await codec.decode(noopRequestContract, framed(11))).schemaId, 11);
});
