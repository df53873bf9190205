import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobStatusEvent } from '../../../../../schemas/job-status-event.ts';
import type { Codec } from '../../../../../services/lib/codec.ts';
import type { KafkaProducer, OutgoingMessage } from '../../../../../services/lib/kafka.ts';
import { SedanoError } from '../../../../../services/lib/errors.ts';
import {
  createJobReporter,
  isRefusedResult,
  type JobReporterOptions,
  MAX_STATUS_EVENT_BYTES,
} from '../../../../../services/lib/runtime/job-reporter.ts';
import { SHOWN_TEXT_MAX_CHARS } from '../../../../../services/lib/shown-text.ts';
import { SequenceClock } from '../../../../../services/lib/runtime/sequence-clock.ts';
import { contractBindings } from '../../../../../topology/contracts.ts';
import { topologyNames } from '../../../../../topology/names.ts';
import { jobIdForKey } from '../../../../../services/lib/job-ids.ts';
import { noopRequestSample } from '../../../schemas/samples.ts';

/** The tests name their jobs; events carry a job id (a UUID, as the contract wants) made from the name. */
const jobNames = new Map<string, string>();
function jobIdOf(name: string): string {
  const jobId = jobIdForKey(`reporter-test:${name}`);
  jobNames.set(jobId, name);
  return jobId;
}

/** A codec whose messages carry the event's job (by its name) and state as their value. */
const codec = {
  toMessage: (_binding: unknown, key: string, event: JobStatusEvent): Promise<OutgoingMessage> =>
    Promise.resolve({ key, value: Buffer.from(`${jobNames.get(event.jobId)}:${event.state}:${event.sequence}`) }),
} as unknown as Codec;

const PREVIEW = '{"sleepMs":0,"spinMs":0}';

/** A codec that keeps every event it is given. */
function capturingCodec() {
  const events: JobStatusEvent[] = [];
  const capturing = {
    toMessage: (_binding: unknown, key: string, event: JobStatusEvent): Promise<OutgoingMessage> => {
      events.push(event);
      return Promise.resolve({ key, value: null });
    },
  } as unknown as Codec;
  return { events, capturing };
}

function recordingProducer() {
  const requests: string[][] = [];
  const producer: KafkaProducer = {
    send(_topic, messages) {
      requests.push(messages.map((m) => String(m.value)));
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  return { producer, requests };
}

function reporter(
  producer: KafkaProducer,
  jobName: string,
  clock: SequenceClock,
  options: Partial<Pick<JobReporterOptions, 'codec' | 'now' | 'onProgressError'>> = {},
) {
  const names = topologyNames('test-reporter');
  return createJobReporter({
    producer,
    codec,
    clock,
    stage: 'noop',
    header: { ...noopRequestSample.header, jobId: jobIdOf(jobName) },
    attempt: 1,
    workerId: 'worker-1',
    traceId: null,
    payloadPreview: () => PREVIEW,
    progressIntervalMs: 0,
    statusTopic: names.statusTopic,
    statusBinding: contractBindings(names).status,
    onProgressError: (error) => assert.fail(error as Error),
    ...options,
  });
}

test('jobs that start and end within one window share a request, each job in the order of its events', async () => {
  const { producer, requests } = recordingProducer();
  const clock = new SequenceClock();
  const [a, b] = [reporter(producer, 'a', clock), reporter(producer, 'b', clock)];
  const result = { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };
  await Promise.all([a.started(), b.started(), a.succeeded(result), b.succeeded(result)]);
  assert.equal(requests.length, 1);
  const events = requests[0]!.map((value) => value.split(':'));
  for (const job of ['a', 'b']) {
    const own = events.filter(([jobId]) => jobId === job);
    assert.deepEqual(
      own.map(([, state]) => state),
      ['STARTED', 'SUCCESS'],
    );
    assert.ok(Number(own[0]![2]) < Number(own[1]![2]), 'sequences rise with the order');
  }
});

test('a PROGRESS message loses its credentials: a handler may quote the URL it reads', async () => {
  const { events, capturing } = capturingCodec();
  const job = reporter(recordingProducer().producer, 'a', new SequenceClock(), { codec: capturing });
  job.progress(1, 2, 'reading https://anna:s3cret@docs.example/a.pdf?token=s3cret2');
  await job.succeeded({ 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } });
  assert.equal(events[0]?.progress?.message, 'reading https://[REDACTED]@docs.example/a.pdf?token=[REDACTED]');
});

test('PROGRESS details lose their credentials too: a document without an id is named by its URI', async () => {
  const { events, capturing } = capturingCodec();
  const job = reporter(recordingProducer().producer, 'a', new SequenceClock(), { codec: capturing });
  const uri = 's3://docs/a.pdf?X-Amz-Credential=AKIA%2F20261203&X-Amz-Signature=abc123';
  const details = {
    'sedano.IndexingProgress': { currentDocument: uri, documentsDone: 0, documentsTotal: 1, chunksWritten: 0 },
  };
  job.progress(0, 1, null, details);
  await job.succeeded({ 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } });
  assert.deepEqual(events[0]?.progress?.details, {
    'sedano.IndexingProgress': {
      currentDocument: 's3://docs/a.pdf?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]',
      documentsDone: 0,
      documentsTotal: 1,
      chunksWritten: 0,
    },
  });
  assert.equal(details['sedano.IndexingProgress'].currentDocument, uri, "the handler's own object is left as it was");
});

test('a terminal event is never sent ahead of its PROGRESS', async () => {
  const { producer, requests } = recordingProducer();
  const job = reporter(producer, 'a', new SequenceClock());
  await job.started();
  job.progress(1, 2);
  await job.failed({ code: 'SEDANO_ERR_JOB_FAILED', type: 'Error', message: 'no', retriable: false });
  const states = requests.flat().map((value) => value.split(':')[1]);
  assert.deepEqual(states, ['STARTED', 'PROGRESS', 'FAILURE']);
});

test('startedAt is when STARTED was emitted; an attempt refused before it has none, and an expiry its own code; every event has the payload preview', async () => {
  const { events, capturing } = capturingCodec();
  let time = 1_000;
  const reporterAt = (jobId: string) =>
    reporter(recordingProducer().producer, jobId, new SequenceClock(), { codec: capturing, now: () => time });
  const ran = reporterAt('ran');
  const expired = reporterAt('expired');
  time = 1_500; // the reads and the job's slot took 500 ms
  await ran.started();
  time = 1_700;
  await ran.succeeded({ 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } });
  await expired.revoked('expired at 1970-01-01T00:00:01.600Z', 'SEDANO_ERR_JOB_EXPIRED');
  assert.deepEqual(
    events.map(({ jobId, state, startedAt, finishedAt }) => [jobNames.get(jobId), state, startedAt, finishedAt]),
    [
      ['ran', 'STARTED', 1_500, null],
      ['ran', 'SUCCESS', 1_500, 1_700],
      ['expired', 'REVOKED', null, 1_700],
    ],
  );
  assert.deepEqual(
    events.map((event) => event.payloadPreview),
    [PREVIEW, PREVIEW, PREVIEW],
  );
  assert.deepEqual(
    { ...events[2]?.error },
    {
      code: 'SEDANO_ERR_JOB_EXPIRED',
      type: 'ExpiredError',
      message: 'expired at 1970-01-01T00:00:01.600Z',
      retriable: false,
    },
  );
});

test('a result too large for a status event, or not the contract, rejects with the job error and queues nothing', async () => {
  const { producer, requests } = recordingProducer();
  const sized = (bytes: number) =>
    ({
      toMessage: (_binding: unknown, key: string) => Promise.resolve({ key, value: Buffer.alloc(bytes) }),
    }) as unknown as Codec;
  const tooLarge = reporter(producer, 'large', new SequenceClock(), { codec: sized(MAX_STATUS_EVENT_BYTES + 1) });
  const result = { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: 'x'.repeat(10) } };
  const refused = await tooLarge.succeeded(result).catch((error: unknown) => error);
  assert.ok(isRefusedResult(refused));
  assert.equal((refused as SedanoError).code, 'SEDANO_ERR_JOB_RESULT_TOO_LARGE');
  assert.match((refused as Error).message, new RegExp(`SUCCESS event of ${MAX_STATUS_EVENT_BYTES + 1} bytes`));
  await reporter(producer, 'fits', new SequenceClock(), { codec: sized(MAX_STATUS_EVENT_BYTES) }).succeeded(result);

  const refusing = (error: Error) => ({ toMessage: () => Promise.reject(error) }) as unknown as Codec;
  const invalid = new SedanoError('SEDANO_ERR_CODEC_INVALID_RECORD', 'invalid JobStatusEvent: result: not a long');
  const notContract = await reporter(producer, 'invalid', new SequenceClock(), { codec: refusing(invalid) })
    .succeeded(result)
    .catch((error: unknown) => error);
  assert.equal((notContract as SedanoError).code, 'SEDANO_ERR_JOB_RESULT_INVALID');
  assert.match((notContract as Error).message, /result: not a long/);
  const away = new SedanoError('SEDANO_ERR_REGISTRY_UNAVAILABLE', 'the registry is away');
  const outage = await reporter(producer, 'away', new SequenceClock(), { codec: refusing(away) })
    .succeeded(result)
    .catch((error: unknown) => error);
  assert.equal(outage, away, 'an outage is not the result: tried again in place');
  assert.equal(isRefusedResult(outage), false);
  assert.equal(requests.flat().length, 1, 'only the SUCCESS that fits was produced');
});

test('a PROGRESS message is cut as any shown text is', async () => {
  const { events, capturing } = capturingCodec();
  const job = reporter(recordingProducer().producer, 'a', new SequenceClock(), { codec: capturing });
  job.progress(1, 2, 'x'.repeat(SHOWN_TEXT_MAX_CHARS + 100));
  await job.succeeded({ 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } });
  assert.equal(events[0]?.progress?.message?.length, SHOWN_TEXT_MAX_CHARS);
  assert.ok(events[0]?.progress?.message?.endsWith('…'));
});

test('a PROGRESS the codec would refuse is dropped and reported, and the job goes on to its SUCCESS', async () => {
  const { producer, requests } = recordingProducer();
  const dropped: unknown[] = [];
  const job = reporter(producer, 'fraction', new SequenceClock(), { onProgressError: (error) => dropped.push(error) });
  await job.started();
  job.progress(0.5, 2, 'half a unit');
  await job.succeeded({ 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } });
  assert.equal((dropped[0] as SedanoError).code, 'SEDANO_ERR_CODEC_INVALID_RECORD');
  assert.deepEqual(
    requests.flat().map((value) => value.split(':')[1]),
    ['STARTED', 'SUCCESS'],
  );
});

test("PROGRESS details' strings are cut as shown text is", async () => {
  const { events, capturing } = capturingCodec();
  const job = reporter(recordingProducer().producer, 'long-uri', new SequenceClock(), { codec: capturing });
  const currentDocument = `s3://docs/${'x'.repeat(SHOWN_TEXT_MAX_CHARS * 2)}`;
  job.progress(0, 1, null, {
    'sedano.IndexingProgress': { currentDocument, documentsDone: 0, documentsTotal: 1, chunksWritten: 0 },
  });
  await job.succeeded({ 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } });
  const details = events[0]?.progress?.details as { 'sedano.IndexingProgress': { currentDocument: string } };
  assert.equal(details['sedano.IndexingProgress'].currentDocument.length, SHOWN_TEXT_MAX_CHARS);
});
