/**
 * A batch's follow-up on real Kafka, registry and Redis: the status projector submits it once
 * every child has ended (a FAILURE among them included), exactly once, whether two projectors
 * race for it, the children's terminal events come again, or the declaration arrives after the
 * last child ended; a rebuild restores the declaration and submits nothing. End to end, a noop
 * stage runtime runs the children and then the follow-up the projector submitted.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import type { BatchDeclaration } from '../../../../schemas/batch-declaration.ts';
import type { JobState } from '../../../../schemas/job-state.ts';
import { jobStatusEventContract } from '../../../../schemas/job-status-event.ts';
import { noopRequestContract, type NoopRequest } from '../../../../schemas/noop-request.ts';
import type { IncomingMessage } from '../../../../services/lib/kafka.ts';
import { batchDeclaration, followUpOptions, jobHeader, pendingEvent } from '../../../../services/lib/job-client.ts';
import type { StatusView } from '../../../../services/lib/status-view.ts';
import {
  rebuildStatusView,
  startStatusProjector,
  type StatusProjector,
} from '../../../../services/status-projector/projector.ts';
import { createNoopStage } from '../../../../services/noop/noop-stage.ts';
import { contractBindings } from '../../../../topology/contracts.ts';
import {
  collectMessages,
  createTestTopic,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  testNames,
  uniqueName,
  type CollectedMessages,
} from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { noopRequestSample } from '../../../unit/schemas/samples.ts';
import { stageSandbox } from '../lib/runtime/stage-sandbox.ts';
import { isolatedView, type Job, statusEvent, statusTopic, type StatusTopic } from './fixtures.ts';

const logger = pino({ level: 'error' });
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const SENTINEL = 'sentinel';
/** The subjects of the test run's namespace: the test topics' records are framed with their ids. */
const names = testNames();
const bindings = contractBindings(names);

interface Sandbox {
  status: StatusTopic;
  /** The batches topic of the test. */
  batches: string;
  /** The lane topic the follow-up goes to, and what arrived on it. */
  lane: string;
  laneMessages: CollectedMessages;
  statusMessages: CollectedMessages;
  declare(declaration: BatchDeclaration): Promise<void>;
  /** Produces one status event per [job, state, sequence]. */
  report(events: readonly [Job, JobState, number][]): Promise<void>;
  start(view: StatusView): Promise<StatusProjector>;
}

/** Status, batches and lane topics of the test's own, read from the beginning by collectors. */
async function sandbox(t: TestContext): Promise<Sandbox> {
  const status = await statusTopic(t);
  const admin = await kafkaAdmin(t);
  const batches = (
    await createTestTopic(t, admin, { prefix: 'test-batches', partitions: 3, configs: { 'cleanup.policy': 'compact' } })
  ).name;
  const lane = (await createTestTopic(t, admin, { prefix: 'test-lane' })).name;
  const producer = await status.kafka.producer();
  onCleanup(t, () => producer.close());
  return {
    status,
    batches,
    lane,
    laneMessages: await collectMessages(t, [lane]),
    statusMessages: await collectMessages(t, [status.topic]),
    // Framed with the id of the real batches subject: the test topic needs no subject of its own.
    async declare(declaration) {
      const message = await status.codec.toMessage(bindings.batchDeclaration, declaration.batchId, declaration);
      await producer.send(batches, [message]);
    },
    async report(events) {
      await status.send(
        await Promise.all(events.map(([job, state, seq]) => status.message(statusEvent(job, state, seq)))),
      );
    },
    async start(view) {
      const projector = await startStatusProjector({
        kafka: status.kafka,
        codec: status.codec,
        view,
        logger,
        names,
        topic: status.topic,
        batchTopic: batches,
        groupId: uniqueName('test-batch-projector'),
      });
      onCleanup(t, () => projector.close());
      return projector;
    },
  };
}

/** A declaration of `size` noop children whose follow-up goes to the sandbox's lane, as the job client encodes it. */
async function declaredBatch(
  box: Sandbox,
  size: number,
): Promise<{ batchId: string; followUpJobId: string; declaration: BatchDeclaration }> {
  const batchId = randomUUID();
  const header = jobHeader('noop', followUpOptions(batchId), 'batch-test', Date.now());
  const record: NoopRequest = { ...noopRequestSample, header, payload: `follow-up of ${batchId}` };
  const { codec } = box.status;
  const request = await codec.toMessage(bindings.request('noop', 'normal'), header.jobId, record);
  const pending = await codec.toMessage(box.status.binding, header.jobId, pendingEvent('noop', header, null));
  const job = {
    jobId: header.jobId,
    stage: 'noop' as const,
    priority: header.priority,
    topic: box.lane,
    batchId: null,
    notBefore: null,
    expiresAt: null,
  };
  const declaration = batchDeclaration(
    { batchId, size, submittedAt: header.submittedAt, submitter: 'batch-test' },
    { job, request: { ...request, headers: { traceparent: TRACEPARENT } }, pending },
  );
  return { batchId, followUpJobId: header.jobId, declaration };
}

/** Status events a projector has handled, whatever the outcome. */
function handled(projector: StatusProjector): number {
  const stats = projector.stats();
  return stats.applied + stats.stale + stats.duplicate + stats.terminal;
}

async function waitHandled(projectors: readonly StatusProjector[], count: number, what: string): Promise<void> {
  await waitFor(() => projectors.every((projector) => handled(projector) >= count), {
    description: `${count} status events (${what}) handled by ${projectors.length} projector(s)`,
    timeoutMs: 30_000,
  });
}

/**
 * The messages of `key` on a collected topic, once a sentinel produced after everything else
 * has arrived (the topic has one partition, or the sentinel shares the key's partition).
 */
async function messagesOf(
  collected: CollectedMessages,
  key: string,
  sendSentinel: () => Promise<void>,
): Promise<IncomingMessage[]> {
  await sendSentinel();
  await collected.until((messages) => messages.some((m) => m.headers[SENTINEL] !== undefined), 'the sentinel');
  return collected.messages.filter((message) => message.key?.toString() === key);
}

/** Both topics' messages of the follow-up, after every projector was closed (so nothing is in flight). */
async function followUpMessages(box: Sandbox, followUpJobId: string) {
  const marker = { [SENTINEL]: '1' };
  const requests = await messagesOf(box.laneMessages, followUpJobId, async () => {
    const producer = await box.status.kafka.producer();
    await producer.send(box.lane, [{ key: SENTINEL, value: null, headers: marker }]);
    await producer.close();
  });
  // Same key, same partition: the sentinel comes after every PENDING of the follow-up.
  const pendings = await messagesOf(box.statusMessages, followUpJobId, () =>
    box.status.send([{ key: followUpJobId, value: Buffer.from('not a status event'), headers: marker }]),
  );
  return { requests, pendings: pendings.filter((message) => message.headers[SENTINEL] === undefined) };
}

test('two projectors submit the follow-up once when the last child ends, a FAILURE included; duplicates change nothing', async (t) => {
  const box = await sandbox(t);
  const { batchId, followUpJobId, declaration } = await declaredBatch(box, 5);
  const children: Job[] = Array.from({ length: 5 }, (_, index) => ({ id: randomUUID(), index, batchId }));
  await box.declare(declaration);
  await box.report(children.map((job) => [job, 'PENDING', 1] as const));

  // Two projectors, each reading both topics whole, on one view: both check every child's end.
  const view = isolatedView(t);
  const projectors = [await box.start(view), await box.start(view)];
  await waitHandled(projectors, 5, 'the PENDING events');
  await waitFor(() => projectors.every((projector) => projector.stats().declarations === 1), {
    description: 'the declaration stored by both projectors',
  });
  const running = await view.batch(batchId);
  assert.deepEqual([running?.size, running?.followUpJobId, running?.summary.state], [5, followUpJobId, 'PENDING']);
  assert.equal(await view.get(followUpJobId), undefined, 'no follow-up while children are queued');

  // A chord here fires when every child is terminal, whatever the outcome: one FAILURE is enough to end.
  const ends: [Job, JobState, number][] = children.map((job, i) => [job, i === 2 ? 'FAILURE' : 'SUCCESS', 2]);
  await box.report(ends);
  const followUp = await waitFor(async () => view.get(followUpJobId), {
    description: "the follow-up's PENDING in the view",
  });
  assert.deepEqual([followUp.state, followUp.stage, followUp.batchId], ['PENDING', 'NOOP', null]);
  const ended = await view.batch(batchId);
  assert.equal(ended?.summary.state, 'FAILURE');
  assert.deepEqual([ended?.summary.finished, ended?.summary.percent], [5, 100]);
  assert.deepEqual([ended?.counts.SUCCESS, ended?.counts.FAILURE], [4, 1]);

  // 5 PENDING + 5 ends + the follow-up's PENDING; then the ends again, redelivered.
  await waitHandled(projectors, 11, 'the ends and the follow-up');
  await box.report(ends);
  await waitHandled(projectors, 16, 'the redelivered ends');
  for (const projector of projectors) await projector.close();

  const submitted = projectors.map((projector) => projector.stats().followUpsSubmitted);
  assert.deepEqual(submitted.sort(), [0, 1], 'one projector submitted it, the other did not');
  const { requests, pendings } = await followUpMessages(box, followUpJobId);
  assert.equal(requests.length, 1, 'the request was produced once');
  assert.equal(pendings.length, 1, 'its PENDING was produced once');
  const [request] = requests;
  assert.equal(request?.headers['traceparent']?.toString(), TRACEPARENT, 'the submission trace goes on');
  const { record } = await box.status.codec.decode(noopRequestContract, request?.value ?? null);
  assert.deepEqual(
    [record.header.jobId, record.header.batchId, record.payload],
    [followUpJobId, null, `follow-up of ${batchId}`],
  );
  const { record: pending } = await box.status.codec.decode(jobStatusEventContract, pendings[0]?.value ?? null);
  assert.deepEqual([pending.jobId, pending.state, pending.sequence], [followUpJobId, 'PENDING', 0]);
});

test('a declaration that arrives after every child ended fires the follow-up once; a rebuild restores it and fires nothing', async (t) => {
  const box = await sandbox(t);
  const { batchId, followUpJobId, declaration } = await declaredBatch(box, 5);
  const children: Job[] = Array.from({ length: 5 }, (_, index) => ({ id: randomUUID(), index, batchId }));
  const outcomes: JobState[] = ['SUCCESS', 'SUCCESS', 'FAILURE', 'REVOKED', 'SUCCESS'];
  await box.report(children.flatMap((job, i) => [[job, 'PENDING', 1] as const, [job, outcomes[i]!, 2] as const]));

  const view = isolatedView(t);
  const projector = await box.start(view);
  await waitHandled([projector], 10, 'every child to its end');
  const undeclared = await view.batch(batchId);
  assert.deepEqual([undeclared?.size, undeclared?.followUpJobId, undeclared?.summary.state], [null, null, 'FAILURE']);
  assert.equal(await view.get(followUpJobId), undefined);

  await box.declare(declaration);
  await waitFor(async () => (await view.get(followUpJobId))?.state === 'PENDING', {
    description: "the follow-up's PENDING in the view",
  });
  const declared = await view.batch(batchId);
  assert.deepEqual([declared?.size, declared?.followUpJobId], [5, followUpJobId]);
  // The declaration again (a producer retry): stored again, submitted nothing more.
  await box.declare(declaration);
  await waitFor(() => projector.stats().declarations === 2, { description: 'the declaration stored twice' });
  await waitHandled([projector], 11, "the follow-up's PENDING");
  await projector.close();
  assert.equal(projector.stats().followUpsSubmitted, 1);

  const rebuilt = isolatedView(t);
  const result = await rebuildStatusView({
    kafka: box.status.kafka,
    codec: box.status.codec,
    view: rebuilt,
    logger,
    names,
    topic: box.status.topic,
    batchTopic: box.batches,
  });
  assert.deepEqual({ ...result, durationMs: 0 }, { events: 11, jobs: 6, declarations: 2, poison: 0, durationMs: 0 });
  assert.deepEqual(await rebuilt.batch(batchId), await view.batch(batchId), 'the batch, declaration included');
  assert.deepEqual(await rebuilt.batchDeclaration(batchId), declaration);

  const { requests, pendings } = await followUpMessages(box, followUpJobId);
  assert.deepEqual([requests.length, pendings.length], [1, 1], 'submitted once, and not by the rebuild');
});

test('end to end: a noop stage runs the children, then the follow-up the projector submits', async (t) => {
  const stage = await stageSandbox(t);
  await stage.start(createNoopStage(() => 1));
  const { codec, producer } = stage;
  const admin = await kafkaAdmin(t);
  const batches = (
    await createTestTopic(t, admin, { prefix: 'test-batches', configs: { 'cleanup.policy': 'compact' } })
  ).name;
  const view = isolatedView(t);
  const projector = await startStatusProjector({
    kafka: kafkaClient(),
    codec,
    view,
    logger,
    names,
    topic: stage.topics.status,
    batchTopic: batches,
    groupId: uniqueName('test-batch-projector'),
  });
  onCleanup(t, () => projector.close());

  // As the job client would submit it, with the sandbox's lane and status topics in place of the real ones.
  const batchId = randomUUID();
  const header = jobHeader('noop', followUpOptions(batchId), 'batch-test', Date.now());
  const followUpJobId = header.jobId;
  const request = await codec.toMessage(bindings.request('noop', 'normal'), followUpJobId, {
    ...noopRequestSample,
    header,
    payload: 'the follow-up',
  });
  const pending = await codec.toMessage(bindings.status, followUpJobId, pendingEvent('noop', header, null));
  const job = {
    jobId: followUpJobId,
    stage: 'noop' as const,
    priority: header.priority,
    topic: stage.topics.lanes[1]!,
    batchId: null,
    notBefore: null,
    expiresAt: null,
  };
  const declaration = batchDeclaration(
    { batchId, size: 5, submittedAt: header.submittedAt, submitter: 'batch-test' },
    {
      job,
      request,
      pending,
    },
  );
  await producer.send(batches, [await codec.toMessage(bindings.batchDeclaration, batchId, declaration)]);
  const children = await stage.submitMany(
    Array.from({ length: 5 }, (_, i) => ({ sleepMs: 10, cpuSpinMs: 0, failureRate: 0, payload: `child ${i}` })),
    1,
    undefined,
    { batchId },
  );

  const done = await waitFor(
    async () => (await view.get(followUpJobId))?.state === 'SUCCESS' && view.get(followUpJobId),
    {
      description: 'the follow-up run to SUCCESS by the stage',
      timeoutMs: 60_000,
    },
  );
  assert.equal(done?.result?.kind, 'sedano.NoopResult');
  const batch = await view.batch(batchId);
  assert.deepEqual([batch?.summary.state, batch?.counts.SUCCESS, batch?.size], ['SUCCESS', 5, 5]);
  // The follow-up started after the last child finished.
  const finished = await Promise.all(
    children.map(async (child) => (await view.get(child.header.jobId))?.finishedAt ?? 0),
  );
  assert.ok((done?.startedAt ?? 0) >= Math.max(...finished), 'the follow-up ran after every child ended');
  assert.equal(projector.stats().followUpsSubmitted, 1);
});
