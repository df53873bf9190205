/**
 * Schema evolution against the real registry: compatible changes are accepted and records
 * written with either version are read with the other; incompatible ones are refused, and
 * the refusal is printed (t.diagnostic) so the suite's output shows it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type avro from 'avsc';
import { defineContract } from '../../../schemas/contract.ts';
import { loadSchema } from '../../../schemas/schema-loader.ts';
import {
  JOB_STATUS_EVENT_SCHEMA_NAME,
  jobStatusEventContract,
  type JobStatusEvent,
} from '../../../schemas/job-status-event.ts';
import { noopRequestContract, type NoopRequest } from '../../../schemas/noop-request.ts';
import { createCodec, type SubjectBinding } from '../../../services/lib/codec.ts';
import { isSedanoError } from '../../../services/lib/errors.ts';
import { deleteSubjectAfter, schemaRegistry, uniqueName } from '../../support/resources.ts';
import { jobStatusEventSample, noopRequestSample } from '../../unit/schemas/samples.ts';

type AvroRecordSchema = Extract<avro.Schema, { fields: unknown }> & { fields: avro.schema.RecordType['fields'] };

/** NoopRequest's schema with its fields changed by `edit`, as a new contract. */
function noopRequestWith(edit: (fields: AvroRecordSchema['fields']) => AvroRecordSchema['fields']) {
  const schema = structuredClone(loadSchema('sedano.NoopRequest')) as unknown as AvroRecordSchema;
  return defineContract<NoopRequest & { tags?: string[] }>({ ...schema, fields: edit(schema.fields) });
}

const withTags = noopRequestWith((fields) => [
  ...fields,
  { name: 'tags', type: { type: 'array', items: 'string' }, default: [], doc: 'Labels for people.' },
]);

test('a new field with a default is accepted at FULL_TRANSITIVE, and each version reads the other', async (t) => {
  const subject = `${uniqueName('test-evolution')}-value`;
  deleteSubjectAfter(t, subject);
  const codec = createCodec({ registry: schemaRegistry() });
  const v1: SubjectBinding<NoopRequest> = { subject, contract: noopRequestContract, compatibility: 'FULL_TRANSITIVE' };
  const v2: SubjectBinding<NoopRequest & { tags?: string[] }> = { ...v1, contract: withTags };

  const oldRecord = await codec.encode(v1, noopRequestSample);
  const newRecord = await codec.encode(v2, { ...noopRequestSample, tags: ['nightly'] });
  assert.notEqual(newRecord.readUInt32BE(1), oldRecord.readUInt32BE(1), 'v2 got its own schema id');

  const oldReadsNew = await codec.decode(noopRequestContract, newRecord);
  assert.equal(oldReadsNew.record.header.jobId, noopRequestSample.header.jobId);
  assert.equal('tags' in oldReadsNew.record, false, 'the old reader ignores the new field');

  const newReadsOld = await codec.decode(withTags, oldRecord);
  assert.deepEqual(newReadsOld.record.tags, [], 'the new reader fills in the default');
});

test("JobHeader's expiresAt, its first change: the header before it and the current one read each other", async (t) => {
  const subject = `${uniqueName('test-evolution')}-value`;
  deleteSubjectAfter(t, subject);
  const codec = createCodec({ registry: schemaRegistry() });
  // The NoopRequest an upstream producer of the version before still writes, and the one sedano reads.
  const withoutExpiry = noopRequestWith((fields) =>
    fields.map((field) => {
      if (field.name !== 'header') return field;
      const header = field.type as AvroRecordSchema;
      return { ...field, type: { ...header, fields: header.fields.filter((inner) => inner.name !== 'expiresAt') } };
    }),
  );
  const before: SubjectBinding<NoopRequest> = { subject, contract: withoutExpiry, compatibility: 'FULL_TRANSITIVE' };
  const { expiresAt: _expiresAt, ...headerBefore } = noopRequestSample.header;
  const oldRecord = await codec.encode(before, { ...noopRequestSample, header: headerBefore } as NoopRequest);
  const expiring = { ...noopRequestSample, header: { ...noopRequestSample.header, expiresAt: 1_796_292_000_000 } };
  const newRecord = await codec.encode({ ...before, contract: noopRequestContract }, expiring);
  assert.notEqual(newRecord.readUInt32BE(1), oldRecord.readUInt32BE(1), 'the registry took the current header');

  const currentReadsOld = await codec.decode(noopRequestContract, oldRecord);
  assert.equal(currentReadsOld.record.header.expiresAt, null, 'a job of the version before never expires');
  const oldReadsCurrent = await codec.decode(withoutExpiry, newRecord);
  assert.equal(oldReadsCurrent.record.header.jobId, expiring.header.jobId);
  assert.equal('expiresAt' in oldReadsCurrent.record.header, false, 'a worker of the version before ignores it');
});

test("JobStatusEvent's payloadPreview: the event before it and the current one read each other", async (t) => {
  const subject = `${uniqueName('test-evolution')}-value`;
  deleteSubjectAfter(t, subject);
  const codec = createCodec({ registry: schemaRegistry() });
  // The status event a worker or gateway of the version before still writes, and the one sedano reads.
  const schema = structuredClone(loadSchema(JOB_STATUS_EVENT_SCHEMA_NAME)) as unknown as AvroRecordSchema;
  const withoutPreview = defineContract<JobStatusEvent>({
    ...schema,
    fields: schema.fields.filter((field) => field.name !== 'payloadPreview'),
  });
  const before: SubjectBinding<JobStatusEvent> = {
    subject,
    contract: withoutPreview,
    compatibility: 'FULL_TRANSITIVE',
  };
  const { payloadPreview: _payloadPreview, ...eventBefore } = jobStatusEventSample;
  const oldRecord = await codec.encode(before, eventBefore as JobStatusEvent);
  const newRecord = await codec.encode({ ...before, contract: jobStatusEventContract }, jobStatusEventSample);
  assert.notEqual(newRecord.readUInt32BE(1), oldRecord.readUInt32BE(1), 'the registry took the current event');

  const currentReadsOld = await codec.decode(jobStatusEventContract, oldRecord);
  assert.equal(currentReadsOld.record.payloadPreview, null, 'an event of the version before has no preview');
  const oldReadsCurrent = await codec.decode(withoutPreview, newRecord);
  assert.equal(oldReadsCurrent.record.jobId, jobStatusEventSample.jobId);
  assert.equal('payloadPreview' in oldReadsCurrent.record, false, 'a projector of the version before ignores it');
});

test('incompatible changes are refused by the registry with a clear error', async (t) => {
  const subject = `${uniqueName('test-evolution')}-value`;
  deleteSubjectAfter(t, subject);
  const codec = createCodec({ registry: schemaRegistry() });
  const v1: SubjectBinding<NoopRequest> = { subject, contract: noopRequestContract, compatibility: 'FULL_TRANSITIVE' };
  await codec.encode(v1, noopRequestSample);

  // Each change comes with a record that is valid for it, so only the registry can refuse it.
  const { header: _header, ...withoutHeader } = noopRequestSample;
  const changes = [
    {
      change: 'a field changes type (sleepMs: long -> string)',
      contract: noopRequestWith((fields) =>
        fields.map((field) => (field.name === 'sleepMs' ? { ...field, type: 'string', default: '0' } : field)),
      ),
      record: { ...noopRequestSample, sleepMs: '10' },
    },
    {
      change: 'a field without a default is added (owner)',
      contract: noopRequestWith((fields) => [...fields, { name: 'owner', type: 'string', doc: 'Who owns the job.' }]),
      record: { ...noopRequestSample, owner: 'ops' },
    },
    {
      change: 'a field without a default is removed (header)',
      contract: noopRequestWith((fields) => fields.filter((field) => field.name !== 'header')),
      record: withoutHeader,
    },
  ];
  for (const { change, contract, record } of changes) {
    await assert.rejects(
      codec.encode({ ...v1, contract: contract }, record as NoopRequest),
      (error: unknown) => {
        assert.ok(isSedanoError(error), String(error));
        assert.equal(error.code, 'SEDANO_ERR_REGISTRY_INCOMPATIBLE', error.message);
        assert.match(error.message, new RegExp(`not FULL_TRANSITIVE-compatible with ${subject}`));
        t.diagnostic(`refused as expected, ${change}: ${error.message}`);
        return true;
      },
      change,
    );
  }
});
