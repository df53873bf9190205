/**
 * The status projector on real Kafka, registry and Redis: status events of a few jobs, with
 * duplicates and out-of-order arrivals injected, end in the right view; a rebuild from the
 * compacted topic gives the same view; a poison message is dead-lettered and skipped.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { deadLetterRecordContract } from '../../../../schemas/dead-letter-record.ts';
import { jobStatusEventContract } from '../../../../schemas/job-status-event.ts';
import { JOB_STATE_SYMBOLS, type JobState } from '../../../../schemas/job-state.ts';
import type { StatusView } from '../../../../services/lib/status-view.ts';
import { rebuildStatusView, startStatusProjector } from '../../../../services/status-projector/projector.ts';
import { collectMessages, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { base, isolatedView, type Job, statusEvent, type StatusTopic, statusTopic } from './fixtures.ts';

const logger = pino({ level: 'error' });

/** What projects (or rebuilds from) `status` into `view`, without a batches topic. */
function projectorOptions(status: StatusTopic, view: StatusView) {
  const { kafka, codec, names, topic } = status;
  return { kafka, codec, view, logger, names, topic, batchTopic: null };
}

/** A projector of `status` into `view` (no batches topic), closed when the test ends. */
async function projectorOf(t: TestContext, status: StatusTopic, view: StatusView) {
  const projector = await startStatusProjector({
    ...projectorOptions(status, view),
    groupId: uniqueName('test-status-projector'),
  });
  onCleanup(t, () => projector.close());
  return projector;
}

test('duplicated and reordered status events project to the right view, and a rebuild gives the same view', async (t) => {
  const status = await statusTopic(t);
  const batchId = randomUUID();
  const [a, b, c, d, e]: [Job, Job, Job, Job, Job] = [
    { id: randomUUID(), index: 0, batchId },
    { id: randomUUID(), index: 1, batchId },
    { id: randomUUID(), index: 2, batchId, stage: 'INDEXING' as const },
    { id: randomUUID(), index: 3 },
    { id: randomUUID(), index: 4 },
  ];
  const history: [Job, JobState, number][] = [
    [a, 'PENDING', 1],
    [b, 'STARTED', 2],
    [a, 'STARTED', 2],
    [c, 'PENDING', 1],
    [b, 'PENDING', 1], // produced late by the submitter: stale
    [a, 'PROGRESS', 3],
    [c, 'STARTED', 2],
    [a, 'SUCCESS', 4],
    [b, 'PROGRESS', 3],
    [c, 'RETRY', 3],
    [a, 'PROGRESS', 3], // a late progress after SUCCESS: stale
    [d, 'PENDING', 1],
    [b, 'PROGRESS', 3], // redelivered: duplicate
    [c, 'STARTED', 4],
    [a, 'SUCCESS', 4], // redelivered: duplicate
    [e, 'PENDING', 1],
    [c, 'FAILURE', 5],
    [e, 'REVOKED', 2],
    [c, 'REVOKED', 6], // after a terminal state: ignored
  ];
  await status.send(
    await Promise.all(history.map(([job, state, seq]) => status.message(statusEvent(job, state, seq)))),
  );

  const live = isolatedView(t);
  const projector = await projectorOf(t, status, live);
  assert.equal(projector.state, 'running');
  // The late PROGRESS of a and the REVOKED of c came after their terminal events: the projector
  // states those terminal events again (restate.ts), and reads them back as duplicates.
  const restatements = 2;
  const stats = await waitFor(
    () => {
      const now = projector.stats();
      return now.applied + now.stale + now.duplicate + now.terminal === history.length + restatements && now;
    },
    { description: `all ${history.length} status events handled, and the restated ones`, timeoutMs: 30_000 },
  );
  assert.deepEqual(stats, {
    applied: 14,
    stale: 2,
    duplicate: 2 + restatements,
    terminal: 1,
    deadLettered: 0,
    declarations: 0,
    followUpsSubmitted: 0,
    restated: restatements,
  });

  const expected = { [a.id]: ['SUCCESS', 4], [b.id]: ['PROGRESS', 3], [c.id]: ['FAILURE', 5], [d.id]: ['PENDING', 1] };
  for (const [jobId, [state, sequence]] of Object.entries({ ...expected, [e.id]: ['REVOKED', 2] })) {
    const job = await live.get(jobId);
    assert.deepEqual([job?.state, job?.sequence], [state, sequence], jobId);
    assert.equal(job?.submittedAt, base, 'the submitter time stays');
  }
  const jobA = await live.get(a.id);
  assert.deepEqual(jobA?.result, { kind: 'sedano.NoopResult', sleptMs: 10, spunMs: 0, payload: a.id });
  assert.equal(jobA.startedAt, base + 2, 'STARTED time stays through PROGRESS and SUCCESS');

  const ids = async (options: Parameters<StatusView['list']>[0]) =>
    (await live.list(options)).jobs.map((job) => job.jobId);
  assert.deepEqual(await ids({ limit: 10 }), [e.id, d.id, c.id, b.id, a.id], 'newest first');
  assert.deepEqual(await ids({ batchId, limit: 10 }), [c.id, b.id, a.id]);
  assert.deepEqual(await ids({ state: 'SUCCESS', limit: 10 }), [a.id]);
  assert.deepEqual(await ids({ stage: 'INDEXING', limit: 10 }), [c.id]);
  assert.deepEqual(await ids({ batchId, state: 'PROGRESS', limit: 10 }), [b.id]);
  assert.deepEqual(await live.batchCounts(batchId), {
    ...Object.fromEntries(JOB_STATE_SYMBOLS.map((state) => [state, 0])),
    PROGRESS: 1,
    SUCCESS: 1,
    FAILURE: 1,
  });

  const rebuilt = isolatedView(t);
  const result = await rebuildStatusView(projectorOptions(status, rebuilt));
  t.diagnostic(`rebuild: ${result.events} events, ${result.jobs} jobs in ${result.durationMs} ms`);
  assert.deepEqual(
    { ...result, durationMs: 0 },
    { events: history.length + restatements, jobs: 5, declarations: 0, poison: 0, durationMs: 0 },
  );
  for (const jobId of [a, b, c, d, e].map((job) => job.id)) {
    assert.deepEqual(await rebuilt.get(jobId), await live.get(jobId), jobId);
  }
  const listings = [{}, { batchId }, { stage: 'INDEXING' as const }, ...JOB_STATE_SYMBOLS.map((state) => ({ state }))];
  for (const filter of listings) {
    assert.deepEqual(await rebuilt.list({ ...filter, limit: 10 }), await live.list({ ...filter, limit: 10 }));
  }
  assert.deepEqual(await rebuilt.batchCounts(batchId), await live.batchCounts(batchId));

  // What compaction keeps (the last record of each key) gives every job its state, and the
  // restated jobs (a, c) their whole view: their terminal events were written again after the
  // late ones, with everything the view knew.
  const records = await collectMessages(t, [status.topic]);
  await records.until((all) => all.length === history.length + restatements, 'every record of the topic');
  const lastOfKey = new Map(records.messages.map((message) => [message.key?.toString(), message]));
  const compacted = isolatedView(t);
  for (const message of lastOfKey.values()) {
    await compacted.apply((await status.codec.decode(jobStatusEventContract, message.value)).record);
  }
  for (const jobId of [a, b, c, d, e].map((job) => job.id)) {
    const [fromLast, fromAll] = [await compacted.get(jobId), await live.get(jobId)];
    assert.deepEqual([fromLast?.state, fromLast?.sequence], [fromAll?.state, fromAll?.sequence], jobId);
  }
  for (const job of [a, c]) assert.deepEqual(await compacted.get(job.id), await live.get(job.id), job.id);

  await projector.close();
  assert.equal(projector.state, 'stopped');
  await projector.close();
});

test('a terminal event stated again after its job left an earlier batch keeps its result, past 1 MiB', async (t) => {
  // The view remembers views without their results (status-view.ts): a late event met in a
  // later fetch than the job's SUCCESS is answered from the stored view, result included. The
  // result (3 MB) is larger than Kafka's default message size, as the status topic allows.
  const status = await statusTopic(t);
  const job: Job = { id: randomUUID(), index: 0 };
  const live = isolatedView(t);
  const projector = await projectorOf(t, status, live);
  const payload = 'r'.repeat(3_000_000);
  const success = {
    ...statusEvent(job, 'SUCCESS', 4),
    result: { 'sedano.NoopResult': { sleptMs: 1, spunMs: 0, payload } },
  };
  await status.send([await status.message(success)]);
  await waitFor(async () => (await live.get(job.id))?.state === 'SUCCESS', { description: 'the SUCCESS applied' });
  assert.deepEqual((await live.get(job.id))?.result, { kind: 'sedano.NoopResult', sleptMs: 1, spunMs: 0, payload });
  await status.send([await status.message(statusEvent(job, 'PROGRESS', 3))]);
  await waitFor(() => projector.stats().restated === 1, { description: 'the SUCCESS stated again' });

  const records = await collectMessages(t, [status.topic]);
  await records.until((all) => all.length === 3, 'the SUCCESS, the late PROGRESS and the restated SUCCESS');
  const [first, last] = await Promise.all(
    [records.messages[0]!, records.messages.at(-1)!].map(async (message) => {
      return (await status.codec.decode(jobStatusEventContract, message.value)).record;
    }),
  );
  assert.deepEqual([last!.state, last!.result], ['SUCCESS', first!.result]);
});

test('a poison message on the status topic is dead-lettered and the projector keeps going', async (t) => {
  const status = await statusTopic(t);
  const job = { id: randomUUID(), index: 0 };
  // One partition and one key: the good events sit on both sides of the poison message.
  await status.send([
    { ...(await status.message(statusEvent(job, 'PENDING', 1))), partition: 0 },
    { key: job.id, value: Buffer.from('{"state":"SUCCESS"}'), partition: 0 },
    { ...(await status.message(statusEvent(job, 'STARTED', 2))), partition: 0 },
  ]);
  const view = isolatedView(t);
  const projector = await projectorOf(t, status, view);

  await waitFor(async () => (await view.get(job.id))?.state === 'STARTED', {
    description: 'the event after the poison',
  });
  assert.equal(projector.stats().deadLettered, 1);
  const deadLetters = await collectMessages(t, [status.names.deadLetterTopic]);
  // Dead letters are keyed by their source position, so only this topic's are decoded.
  const mine = await deadLetters.until(
    (messages) => messages.some((message) => message.key?.toString().startsWith(`${status.topic}/`)),
    'the dead letter of the status topic',
  );
  const records = await Promise.all(
    mine
      .filter((message) => message.key?.toString().startsWith(`${status.topic}/`))
      .map(async (message) => (await status.codec.decode(deadLetterRecordContract, message.value)).record),
  );
  assert.equal(records.length, 1);
  assert.equal(records[0]?.errorCode, 'SEDANO_ERR_CODEC_NOT_FRAMED');
  assert.equal(records[0].sourceOffset, 1);
  assert.equal(records[0].jobId, job.id);
  assert.equal(records[0].originalValue?.toString(), '{"state":"SUCCESS"}');
});

test('a rebuild counts the poison messages it meets and stops at the end offsets; an empty topic rebuilds at once', async (t) => {
  const status = await statusTopic(t);
  const job = { id: randomUUID(), index: 0 };
  await status.send([
    { ...(await status.message(statusEvent(job, 'PENDING', 1))), partition: 1 },
    { ...(await status.message(statusEvent(job, 'STARTED', 2))), partition: 1 },
    // Last in its partition: the rebuild must still see that it reached the end.
    { key: job.id, value: Buffer.from([0, 0, 0]), partition: 1 },
  ]);
  const view = isolatedView(t);
  const options = projectorOptions(status, view);
  const result = await rebuildStatusView(options);
  assert.deepEqual({ ...result, durationMs: 0 }, { events: 2, jobs: 1, declarations: 0, poison: 1, durationMs: 0 });
  assert.equal((await view.get(job.id))?.state, 'STARTED');

  const empty = await statusTopic(t);
  const nothing = await rebuildStatusView({ ...options, topic: empty.topic });
  assert.deepEqual([nothing.events, nothing.jobs], [0, 0]);
  assert.equal(await view.get(job.id), undefined, 'the view was cleared');
});
