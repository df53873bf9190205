import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { pino } from 'pino';
import type { NoopRequest } from '../../../../../schemas/noop-request.ts';
import { type Codec, PoisonMessageError } from '../../../../../services/lib/codec.ts';
import type { DeadLetter } from '../../../../../services/lib/dead-letter.ts';
import type { IncomingMessage } from '../../../../../services/lib/kafka.ts';
import { jobTypeMismatch, MessageProcessor } from '../../../../../services/lib/runtime/message-processor.ts';
import { noopRequestSample } from '../../../schemas/samples.ts';

const message: IncomingMessage = {
  topic: 'lane',
  partition: 0,
  offset: '4',
  key: null,
  value: Buffer.from('x'),
  headers: {},
  timestampMs: 0,
};

/** A processor over a codec that decodes every message as `decoded` (or throws it). */
function processor(decoded: NoopRequest | Error) {
  const deadLetters: DeadLetter[] = [];
  const ran: string[] = [];
  const codec = {
    fromMessage: async () => {
      if (decoded instanceof Error) throw decoded;
      return { record: decoded, schemaId: 1, traceContext: ROOT_CONTEXT };
    },
  } as unknown as Codec;
  const created = new MessageProcessor({
    stage: 'noop',
    codec,
    deadLetters: { write: async (letter) => void deadLetters.push(letter), counts: new Map() },
    runner: { run: async (_message, request) => (ran.push(request.header.jobId), true), skipped: 2 },
    logger: pino({ level: 'silent' }),
  });
  return { processor: created, deadLetters, ran };
}

test("a header's job type must be its stage's", () => {
  assert.equal(jobTypeMismatch('noop', { jobType: 'NOOP' }), null);
  assert.equal(jobTypeMismatch('indexing', { jobType: 'INDEX_DOCUMENTS' }), null);
  assert.match(jobTypeMismatch('noop', { jobType: 'INDEX_DOCUMENTS' }) ?? '', /INDEX_DOCUMENTS is not NOOP/);
});

test('a job whose header contradicts its topic is dead-lettered with its own code and never runs', async () => {
  const job = { ...noopRequestSample, header: { ...noopRequestSample.header, jobType: 'INDEX_DOCUMENTS' as const } };
  const { processor: process, deadLetters, ran } = processor(job);
  assert.equal(await process.process(message), true);
  assert.deepEqual(ran, []);
  assert.equal(deadLetters.length, 1);
  assert.equal(deadLetters[0]?.errorCode, 'SEDANO_ERR_JOB_TYPE_MISMATCH');
  assert.equal(deadLetters[0]?.jobId, job.header.jobId);
  assert.equal(deadLetters[0]?.attempts, 0);
});

test('a poison message is dead-lettered with its codec code; an outage is thrown, to be tried again', async () => {
  const poisoned = processor(new PoisonMessageError('SEDANO_ERR_CODEC_NOT_FRAMED', 'not framed'));
  assert.equal(await poisoned.processor.process(message), true);
  assert.equal(poisoned.deadLetters[0]?.errorCode, 'SEDANO_ERR_CODEC_NOT_FRAMED');
  const outage = processor(new Error('the registry is away'));
  await assert.rejects(outage.processor.process(message), /the registry is away/);
  assert.deepEqual(outage.deadLetters, []);
});

test('a job of the stage goes to the runner (which skips ended jobs and counts them)', async () => {
  const { processor: process, ran } = processor(noopRequestSample);
  assert.equal(await process.process(message), true);
  assert.deepEqual(ran, [noopRequestSample.header.jobId]);
  assert.equal(process.skipped, 2);
});
