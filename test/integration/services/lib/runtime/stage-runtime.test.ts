import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { deadLetterRecordContract } from '../../../../../schemas/dead-letter-record.ts';
import { createCodec } from '../../../../../services/lib/codec.ts';
import { NonRetriableError, SedanoError } from '../../../../../services/lib/errors.ts';
import { defineStage } from '../../../../../services/lib/runtime/stage.ts';
import { createNoopStage } from '../../../../../services/noop/noop-stage.ts';
import { startTelemetry } from '../../../../../services/lib/telemetry.ts';
import {
  type CollectedMessages,
  collectMessages,
  endpoints,
  kafkaAdmin,
  onCleanup,
  schemaRegistry,
  uniqueName,
} from '../../../../support/resources.ts';
import { STATUS_MAX_MESSAGE_BYTES } from '../../../../../topology/topics.ts';
import { traceSpans } from '../../../../support/jaeger.ts';
import { waitFor } from '../../../../support/wait.ts';
import { stageSandbox } from './stage-sandbox.ts';

const states = (events: { state: string }[]) => events.map((event) => event.state);

/** The dead letters of jobs from `lanes`, by job id, once there are `count` of them. */
async function deadLettersByJob(collected: CollectedMessages, lanes: readonly string[], count: number) {
  const codec = createCodec({ registry: schemaRegistry(), maxMessageBytes: 4_194_304 });
  return waitFor(
    async () => {
      const decoded = await Promise.all(
        collected.messages.map(async (message) => (await codec.decode(deadLetterRecordContract, message.value)).record),
      );
      const mine = decoded.filter((record) => lanes.includes(record.sourceTopic));
      return mine.length >= count && new Map(mine.map((record) => [record.jobId, record]));
    },
    { description: `${count} dead letters` },
  );
}

test('noop jobs run once each and report STARTED, PROGRESS and SUCCESS with increasing sequences', async (t) => {
  const sandbox = await stageSandbox(t);
  await sandbox.start(createNoopStage(() => 1));
  const jobs = await Promise.all(
    Array.from({ length: 10 }, (_, index) => sandbox.submit({ sleepMs: 20, cpuSpinMs: 0, payload: `job ${index}` })),
  );
  for (const job of jobs) {
    const events = await waitFor(
      async () => {
        const found = await sandbox.events(job.header.jobId);
        return found.some((event) => event.state === 'SUCCESS') && found;
      },
      { description: `SUCCESS of ${job.payload}` },
    );
    assert.equal(events[0]?.state, 'STARTED');
    assert.equal(events.at(-1)?.state, 'SUCCESS');
    // Three progress calls within the 500 ms interval: the first is sent, the rest merged away by SUCCESS.
    assert.deepEqual(
      events.filter((event) => event.state === 'PROGRESS').map((event) => event.progress?.message),
      ['sleeping'],
    );
    const sequences = events.map((event) => event.sequence);
    assert.deepEqual(
      [...sequences].sort((a, b) => a - b),
      sequences,
      'sequences increase',
    );
    assert.deepEqual(structuredClone(events.at(-1)?.result), {
      'sedano.NoopResult': { sleptMs: 20, spunMs: 0, payload: job.payload },
    });
    assert.equal(await sandbox.ledger.terminalState(job.header.jobId), 'SUCCESS');
    // A job produced with no PENDING still shows its payload: every worker event carries it.
    const { header: _header, ...payload } = job;
    for (const event of events) assert.deepEqual(JSON.parse(event.payloadPreview ?? 'null'), payload, event.state);
  }
});

test('more jobs run at once than the partitions the worker owns', async (t) => {
  const sandbox = await stageSandbox(t, { lanePartitions: 1 });
  let running = 0;
  let most = 0;
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { concurrency: 4 },
      handler: async () => {
        most = Math.max(most, ++running);
        await sleep(300);
        running -= 1;
        return { 'sedano.NoopResult': { sleptMs: 300, spunMs: 0, payload: null } };
      },
    }),
  );
  const jobs = await Promise.all(Array.from({ length: 8 }, () => sandbox.submit()));
  await waitFor(
    async () => (await Promise.all(jobs.map((job) => sandbox.ledger.terminalState(job.header.jobId)))).every(Boolean),
    {
      description: 'all eight jobs done',
    },
  );
  assert.equal(most, 4, 'four at once on a single partition');
});

test('a failed attempt is retried through a delay topic and then succeeds', async (t) => {
  const sandbox = await stageSandbox(t);
  const attempts: number[] = [];
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { retry: { initialBackoffMs: 200, maxAttempts: 3 } },
      handler: async ({ attempt }) => {
        attempts.push(attempt);
        if (attempt === 1) throw new Error('flaky dependency');
        return { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: 'second time lucky' } };
      },
    }),
  );
  const job = await sandbox.submit();
  const events = await waitFor(
    async () => {
      const found = await sandbox.events(job.header.jobId);
      return found.some((event) => event.state === 'SUCCESS') && found;
    },
    { description: 'SUCCESS after a retry' },
  );
  assert.deepEqual(states(events), ['STARTED', 'RETRY', 'STARTED', 'SUCCESS']);
  assert.deepEqual(attempts, [1, 2]);
  const retry = events[1];
  assert.equal(retry?.error?.message, 'flaky dependency');
  assert.equal(retry?.error?.retriable, true);
  // At least half the initial backoff (equal jitter) after the attempt started. Not after the
  // RETRY event's own time: producing to the delay topic comes first, and may take longer than
  // the jitter leaves on a busy machine.
  assert.ok((retry?.nextAttemptAt ?? 0) >= (events[0]?.occurredAt ?? Infinity) + 100, 'due after the backoff');
  assert.equal(events[2]?.attempt, 2);
});

test("an error's retryAfterMs (an upstream's Retry-After) makes the retry wait that long, not the backoff", async (t) => {
  const sandbox = await stageSandbox(t);
  const attempts: number[] = [];
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { retry: { initialBackoffMs: 100, maxAttempts: 3 } },
      handler: async ({ attempt }) => {
        attempts.push(attempt);
        if (attempt === 1) {
          throw new SedanoError('SEDANO_ERR_EMBEDDER_UNAVAILABLE', 'answered 429', { retryAfterMs: 3_000 });
        }
        return { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };
      },
    }),
  );
  const job = await sandbox.submit();
  const events = await sandbox.eventsUntil(job.header.jobId, 'SUCCESS');
  assert.deepEqual(states(events), ['STARTED', 'RETRY', 'STARTED', 'SUCCESS']);
  const [first, retry, second] = events;
  assert.ok((retry?.nextAttemptAt ?? 0) >= (first?.occurredAt ?? Infinity) + 3_000, 'due after the Retry-After');
  assert.ok((second?.startedAt ?? 0) >= (retry?.nextAttemptAt ?? Infinity), 'the retry started no sooner');
  assert.deepEqual(attempts, [1, 2]);
});

test('exhausted attempts end in FAILURE and a dead-letter record; a NonRetriableError fails at once', async (t) => {
  const sandbox = await stageSandbox(t);
  const deadLetters = await collectMessages(t, [sandbox.names.deadLetterTopic]);
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { retry: { initialBackoffMs: 100, maxAttempts: 2 } },
      handler: async ({ job }) => {
        if (job.payload === 'bad input') throw new NonRetriableError('the document is not a PDF');
        throw new Error('still down');
      },
    }),
  );
  const exhausted = await sandbox.submit({ payload: 'flaky' });
  const invalid = await sandbox.submit({ payload: 'bad input' });
  const finalOf = async (jobId: string) =>
    waitFor(
      async () => {
        const found = await sandbox.events(jobId);
        return found.some((event) => event.state === 'FAILURE') && found;
      },
      { description: `FAILURE of ${jobId}` },
    );
  const exhaustedEvents = await finalOf(exhausted.header.jobId);
  assert.deepEqual(states(exhaustedEvents), ['STARTED', 'RETRY', 'STARTED', 'FAILURE']);
  assert.equal(exhaustedEvents.at(-1)?.error?.code, 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED');
  assert.equal(exhaustedEvents.at(-1)?.error?.retriable, false, 'retriable as the error table says of its code');
  assert.match(exhaustedEvents.at(-1)?.error?.message ?? '', /2 attempts failed; last: still down/);
  const invalidEvents = await finalOf(invalid.header.jobId);
  assert.deepEqual(states(invalidEvents), ['STARTED', 'FAILURE']);
  assert.equal(invalidEvents.at(-1)?.error?.retriable, false);

  const byJob = await deadLettersByJob(deadLetters, sandbox.topics.lanes, 2);
  assert.equal(byJob.get(exhausted.header.jobId)?.errorCode, 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED');
  assert.equal(byJob.get(exhausted.header.jobId)?.attempts, 2);
  assert.equal(byJob.get(invalid.header.jobId)?.errorCode, 'SEDANO_ERR_JOB_FAILED');
  assert.equal(byJob.get(invalid.header.jobId)?.attempts, 1);
});

// Regression: a result larger than the status topic takes failed its SUCCESS on the broker, and
// the job was tried again in place forever, holding its partition's commits.
test('a result the status topic cannot take fails its job; large results finishing together all succeed', async (t) => {
  const sandbox = await stageSandbox(t, { lanePartitions: 1 });
  const deadLetters = await collectMessages(t, [sandbox.names.deadLetterTopic]);
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { concurrency: 4 },
      handler: async ({ job }) => {
        const [kind, size] = (job.payload ?? '').split(':');
        const sleptMs = kind === 'invalid' ? 1.5 : 0;
        return { 'sedano.NoopResult': { sleptMs, spunMs: 0, payload: 'r'.repeat(Number(size ?? 0)) } };
      },
    }),
  );
  const huge = await sandbox.submit({ payload: `huge:${STATUS_MAX_MESSAGE_BYTES}` });
  const invalid = await sandbox.submit({ payload: 'invalid:0' });
  // Four results of 600 KB finishing together: each reaches the topic (produce-batcher.ts splits
  // what one request to a partition cannot carry); one of 3 MB, past Kafka's default 1 MiB, too.
  const large = await Promise.all(
    ['600000', '600000', '600000', '600000', '3000000'].map((size) => sandbox.submit({ payload: `large:${size}` })),
  );
  const endOf = async (jobId: string) =>
    waitFor(
      async () => {
        const found = await sandbox.events(jobId);
        return found.some((event) => event.state === 'FAILURE' || event.state === 'SUCCESS') && found;
      },
      { description: `the end of ${jobId}` },
    );
  const hugeEvents = await endOf(huge.header.jobId);
  assert.deepEqual(states(hugeEvents), ['STARTED', 'FAILURE']);
  assert.equal(hugeEvents.at(-1)?.error?.code, 'SEDANO_ERR_JOB_RESULT_TOO_LARGE');
  assert.equal(hugeEvents.at(-1)?.error?.retriable, false);
  const invalidEvents = await endOf(invalid.header.jobId);
  assert.deepEqual(states(invalidEvents), ['STARTED', 'FAILURE']);
  assert.equal(invalidEvents.at(-1)?.error?.code, 'SEDANO_ERR_JOB_RESULT_INVALID');
  assert.match(invalidEvents.at(-1)?.error?.message ?? '', /sleptMs/);
  for (const job of large) {
    const events = await endOf(job.header.jobId);
    assert.equal(events.at(-1)?.state, 'SUCCESS');
  }
  const largest = (await endOf(large[4]!.header.jobId)).at(-1)?.result;
  assert.equal(largest && 'sedano.NoopResult' in largest && largest['sedano.NoopResult'].payload?.length, 3_000_000);
  const letters = await deadLettersByJob(deadLetters, sandbox.topics.lanes, 2);
  assert.equal(letters.get(huge.header.jobId)?.errorCode, 'SEDANO_ERR_JOB_RESULT_TOO_LARGE');
  assert.equal(letters.get(invalid.header.jobId)?.errorCode, 'SEDANO_ERR_JOB_RESULT_INVALID');
  // Every message of the lane is committed: nothing holds the partition.
  const admin = await kafkaAdmin(t);
  const lane = sandbox.topics.lanes[1]!;
  await waitFor(
    async () => {
      const [end] = await admin.fetchTopicOffsets(lane);
      const [committed] = await admin.fetchGroupOffsets(sandbox.topics.groupId, [lane]);
      return end !== undefined && committed?.offset === end.high;
    },
    { description: 'every message of the lane committed' },
  );
});

test('a job that already ended is not run again when redelivered; the runtime records why', async (t) => {
  const sandbox = await stageSandbox(t);
  let runs = 0;
  const runtime = await sandbox.start(
    defineStage({
      stage: 'noop',
      handler: async () => {
        runs += 1;
        return { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };
      },
    }),
  );
  const job = await sandbox.submit();
  await waitFor(() => sandbox.ledger.terminalState(job.header.jobId), { description: 'the first run' });
  await sandbox.submit({}, job.header.jobId);
  await waitFor(() => runtime.skipped === 1, { description: 'the redelivery skipped' });
  assert.equal(runs, 1);
});

test('shutdown aborts what outlives the grace period; the next worker runs it again', async (t) => {
  const sandbox = await stageSandbox(t);
  let started = 0;
  const slow = defineStage({
    stage: 'noop',
    options: { shutdownGraceMs: 200 },
    handler: async ({ signal, attempt }) => {
      started += 1;
      if (started === 1) await sleep(60_000, undefined, { signal });
      return { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: `attempt ${attempt}` } };
    },
  });
  const first = await sandbox.start(slow);
  const job = await sandbox.submit();
  await waitFor(() => started === 1, { description: 'the job started' });
  await first.close();
  assert.equal(first.state, 'stopped');
  assert.equal(await sandbox.ledger.terminalState(job.header.jobId), null, 'not ended by the first worker');

  await sandbox.start(slow);
  await waitFor(() => sandbox.ledger.terminalState(job.header.jobId), {
    description: 'the job done by the second worker',
  });
  assert.equal(started, 2);
});

test('a handler that ignores its abort signal holds the shutdown no longer than a step; the next worker runs its job', async (t) => {
  const sandbox = await stageSandbox(t);
  let started = 0;
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  t.after(() => release());
  const deaf = defineStage({
    stage: 'noop',
    options: { shutdownGraceMs: 100, shutdownStepTimeoutMs: 500 },
    handler: async ({ attempt }) => {
      started += 1;
      // The first attempt ignores its signal and outlives the shutdown.
      if (started === 1) await released;
      return { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: `attempt ${attempt}` } };
    },
  });
  const first = await sandbox.start(deaf);
  const job = await sandbox.submit();
  await waitFor(() => started === 1, { description: 'the job started' });
  await first.close();
  assert.equal(first.state, 'failed', 'a step overran');
  assert.equal(await sandbox.ledger.terminalState(job.header.jobId), null, 'not ended by the first worker');

  await sandbox.start(deaf);
  await waitFor(() => sandbox.ledger.terminalState(job.header.jobId), {
    description: 'the job done by the second worker',
  });
  assert.equal(started, 2);
});

// Regression: pausing lanes when the window was full stalled partitions for good, because
// kafkajs 2.2.4 never resumes a partition paused before its first fetch (tulios/kafkajs#1599).
test('regression: 600 jobs on six partitions pass through a window of two without stalling', async (t) => {
  const sandbox = await stageSandbox(t, { lanePartitions: 6 });
  const seen = new Set<string>();
  await sandbox.start(
    defineStage({
      stage: 'noop',
      options: { concurrency: 2 },
      handler: async ({ jobId }) => {
        seen.add(jobId);
        await sleep(2);
        return { 'sedano.NoopResult': { sleptMs: 2, spunMs: 0, payload: null } };
      },
    }),
  );
  const jobs = await sandbox.submitMany(Array.from({ length: 600 }, () => ({})));
  await waitFor(() => seen.size === jobs.length, { description: `all ${jobs.length} jobs run`, timeoutMs: 60_000 });
});

test("a job's consumer span continues the producer's trace in Jaeger, with the handler's spans under it", async (t) => {
  const serviceName = uniqueName('sedano-test-runtime-trace');
  const { otlpEndpoint } = endpoints();
  const telemetry = startTelemetry({ serviceName, otlpEndpoint, exportDelayMs: 100 });
  onCleanup(t, () => telemetry.shutdown());
  const sandbox = await stageSandbox(t);
  await sandbox.start(
    defineStage({
      stage: 'noop',
      handler: async () =>
        trace.getTracer('test').startActiveSpan('handler work', async (span) => {
          span.end();
          return { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };
        }),
    }),
  );
  const { traceId, job } = await telemetry.tracer.startActiveSpan('upstream submit', async (span) => {
    const submitted = await sandbox.submit();
    span.end();
    return { traceId: span.spanContext().traceId, job: submitted };
  });
  await sandbox.eventsUntil(job.header.jobId, 'SUCCESS');
  await telemetry.shutdown();

  const byName = await traceSpans(traceId, 3);
  const submit = byName.get('upstream submit');
  const process = byName.get('noop process');
  const work = byName.get('handler work');
  assert.ok(submit && process && work, [...byName.keys()].join(', '));
  assert.equal(process.references[0]?.spanID, submit.spanID, 'the consumer span continues the producer');
  assert.equal(work.references[0]?.spanID, process.spanID, "the handler's span nests under it");
});
