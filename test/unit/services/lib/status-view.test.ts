/**
 * Status precedence (DESIGN.md section 3) as a pure function: redelivery and reordering of
 * status events never let an older or duplicated event overwrite a newer one, and terminal
 * states are final.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobState } from '../../../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import {
  applyStatusEvent,
  type ApplyOutcome,
  eventOfView,
  type JobView,
} from '../../../../services/lib/status-view.ts';
import { jobStatusEventRetrySample, jobStatusEventSample } from '../../schemas/samples.ts';

const T0 = Date.UTC(2025, 2, 14, 9, 30, 0);

/** An event of one job with nothing optional set, at sequence `sequence` (time follows sequence). */
function event(state: JobState, sequence: number, fields: Partial<JobStatusEvent> = {}): JobStatusEvent {
  return {
    ...jobStatusEventSample,
    state,
    sequence,
    attempt: state === 'PENDING' ? 0 : 1,
    progress: null,
    result: null,
    error: null,
    occurredAt: T0 + sequence * 1000,
    submittedAt: null,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    batchId: null,
    traceId: null,
    payloadPreview: null,
    ...fields,
  };
}

/** The view after applying `events` in order, starting from nothing. */
function project(events: readonly JobStatusEvent[]): { view: JobView | undefined; outcomes: ApplyOutcome[] } {
  let view: JobView | undefined;
  const outcomes: ApplyOutcome[] = [];
  for (const next of events) {
    const outcome = applyStatusEvent(view, next);
    outcomes.push(outcome);
    view = outcome.view;
  }
  return { view, outcomes };
}

const ignored = (outcome: ApplyOutcome | undefined) => (outcome && !outcome.applied ? outcome.reason : 'applied');

test('the first event of a job becomes its view, with unions unwrapped into a kind and plain fields', () => {
  const outcome = applyStatusEvent(undefined, jobStatusEventSample);
  assert.equal(outcome.applied, true);
  const { view } = outcome;
  assert.ok(view);
  assert.equal(view.state, 'SUCCESS');
  assert.equal(view.updatedAt, jobStatusEventSample.occurredAt);
  assert.deepEqual(view.progress?.details, {
    kind: 'sedano.IndexingProgress',
    currentDocument: null,
    documentsDone: 2,
    documentsTotal: 2,
    chunksWritten: 148,
  });
  assert.equal(view.result?.kind, 'sedano.IndexingResult');
  assert.equal(view.result.kind === 'sedano.IndexingResult' && view.result.chunksWritten, 148);
  assert.deepEqual(JSON.parse(JSON.stringify(view)), view, 'plain JSON');

  const retry = applyStatusEvent(undefined, jobStatusEventRetrySample).view;
  assert.equal(retry?.progress?.details?.kind, 'sedano.TrainingProgress');
  assert.equal(retry.result, null);
  assert.deepEqual(retry.error, jobStatusEventRetrySample.error);
  assert.equal(applyStatusEvent(undefined, event('PENDING', 1)).view?.progress, null);
});

test('a higher sequence replaces the view; updatedAt is the occurredAt of the last applied event', () => {
  const { view, outcomes } = project([
    event('PENDING', 1),
    event('STARTED', 2),
    event('PROGRESS', 3, {
      progress: { current: 1, total: 4, percent: 25, message: 'one of four', details: null },
    }),
  ]);
  assert.deepEqual(outcomes.map(ignored), ['applied', 'applied', 'applied']);
  assert.equal(view?.state, 'PROGRESS');
  assert.equal(view.sequence, 3);
  assert.equal(view.updatedAt, T0 + 3000);
  assert.deepEqual(view.progress, { current: 1, total: 4, percent: 25, message: 'one of four', details: null });
});

test('an event with a lower sequence than the stored one is stale and changes nothing', () => {
  const { view, outcomes } = project([event('STARTED', 2), event('PROGRESS', 4), event('PROGRESS', 3)]);
  assert.equal(ignored(outcomes[2]), 'stale');
  assert.equal(view?.sequence, 4);
  assert.equal(outcomes[2]?.view, outcomes[1]?.view, 'the stored view is handed back as is');
});

test('the same sequence again is a duplicate, even if its content differs', () => {
  const { view, outcomes } = project([
    event('STARTED', 2),
    event('STARTED', 2),
    event('PROGRESS', 2, { workerId: 'another-worker' }),
  ]);
  assert.deepEqual(outcomes.map(ignored), ['applied', 'duplicate', 'duplicate']);
  assert.equal(view?.state, 'STARTED');
  assert.equal(view.workerId, jobStatusEventSample.workerId);
});

test('PENDING produced late by the submitter, after the worker STARTED the job, is stale', () => {
  const submittedAt = T0;
  const { view, outcomes } = project([
    event('STARTED', 2, { submittedAt, startedAt: T0 + 2000 }),
    event('PENDING', 1, { submittedAt }),
  ]);
  assert.equal(ignored(outcomes[1]), 'stale');
  assert.equal(view?.state, 'STARTED');
  assert.equal(view.startedAt, T0 + 2000);
});

for (const terminal of ['SUCCESS', 'FAILURE', 'REVOKED'] as const) {
  test(`${terminal} is final: later sequences are ignored, earlier ones are stale`, () => {
    const { view, outcomes } = project([
      event('STARTED', 2),
      event(terminal, 5, { finishedAt: T0 + 5000 }),
      event('PROGRESS', 4),
      event('RETRY', 6),
      event('REVOKED', 7),
      event(terminal, 5),
    ]);
    assert.deepEqual(outcomes.map(ignored), ['applied', 'applied', 'stale', 'terminal', 'terminal', 'duplicate']);
    assert.equal(view?.state, terminal);
    assert.equal(view.sequence, 5);
    assert.equal(view.finishedAt, T0 + 5000);
  });
}

test("a later attempt's events win over the earlier attempt's, even from a worker whose clock is behind", () => {
  // Attempt 1 ran on a worker whose clock is 5 s ahead of the one that runs attempt 2.
  const { view, outcomes } = project([
    event('STARTED', 100),
    event('RETRY', 101, { nextAttemptAt: T0 + 102_000 }),
    event('STARTED', 96, { attempt: 2 }),
    event('PROGRESS', 97, { attempt: 2 }),
    event('SUCCESS', 98, { attempt: 2, finishedAt: T0 + 98_000 }),
    // A redelivered event of the earlier attempt stays behind.
    event('RETRY', 101, { nextAttemptAt: T0 + 102_000 }),
  ]);
  assert.deepEqual(outcomes.map(ignored), ['applied', 'applied', 'applied', 'applied', 'applied', 'stale']);
  assert.equal(view?.state, 'SUCCESS');
  assert.equal(view.attempt, 2);
});

test('a terminal event ends a job whose view has a higher sequence from another worker; a PROGRESS stays stale', () => {
  // The job's first worker crashed after STARTED, and the one that ran it again has a clock 5 s behind.
  const { view, outcomes } = project([
    event('STARTED', 100),
    event('STARTED', 94),
    event('PROGRESS', 95),
    event('SUCCESS', 96, { finishedAt: T0 + 96_000 }),
    event('PROGRESS', 101),
  ]);
  assert.deepEqual(outcomes.map(ignored), ['applied', 'stale', 'stale', 'applied', 'terminal']);
  assert.equal(view?.state, 'SUCCESS');
  assert.equal(view.sequence, 96);
});

test('whatever order they arrive in, with the second attempt on a clock behind the first, the view ends at SUCCESS', () => {
  const history = [
    event('PENDING', 1, { submittedAt: T0 }),
    event('STARTED', 200, { submittedAt: T0, startedAt: T0 + 2000 }),
    event('RETRY', 300, { submittedAt: T0, startedAt: T0 + 2000, nextAttemptAt: T0 + 9000 }),
    event('STARTED', 150, { submittedAt: T0, startedAt: T0 + 9000, attempt: 2 }),
    event('PROGRESS', 160, { submittedAt: T0, startedAt: T0 + 9000, attempt: 2 }),
    event('SUCCESS', 170, { submittedAt: T0, startedAt: T0 + 9000, finishedAt: T0 + 10_000, attempt: 2 }),
  ];
  const expected = project(history).view;
  assert.equal(expected?.state, 'SUCCESS');
  for (const order of permutations(history)) {
    const { view } = project([...order, ...order.slice().reverse()]);
    assert.deepEqual(view, expected, order.map((e) => `${e.attempt}:${e.sequence}`).join(','));
  }
});

test('SUCCESS followed by a late PROGRESS keeps the result', () => {
  const success = { ...jobStatusEventSample, sequence: 7 };
  const { view, outcomes } = project([success, { ...jobStatusEventRetrySample, jobId: success.jobId, sequence: 6 }]);
  assert.equal(ignored(outcomes[1]), 'stale');
  assert.equal(view?.result?.kind, 'sedano.IndexingResult');
});

test('the first submittedAt and startedAt (and batch, parent, trace and payload preview) stay when a later event has none', () => {
  const batchId = 'b7a1c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  const parentJobId = 'c0ffee00-1234-4abc-8def-0123456789ab';
  const { view: started } = project([
    event('PENDING', 1, {
      submittedAt: T0,
      batchId,
      parentJobId,
      traceId: 'a'.repeat(32),
      payloadPreview: '{"sleepMs":5}',
    }),
    event('STARTED', 2, { startedAt: T0 + 2000, batchId: null, parentJobId: null, traceId: null }),
    event('PROGRESS', 3),
  ]);
  assert.equal(started?.submittedAt, T0);
  assert.equal(started.startedAt, T0 + 2000);
  assert.equal(started.batchId, batchId);
  assert.equal(started.parentJobId, parentJobId);
  assert.equal(started.traceId, 'a'.repeat(32));
  assert.equal(started.payloadPreview, '{"sleepMs":5}');
  // A new attempt names its own start: the event's value wins over the stored one.
  const retried = applyStatusEvent(started, event('STARTED', 4, { attempt: 2, startedAt: T0 + 9000 })).view;
  assert.equal(retried?.startedAt, T0 + 9000);
  assert.equal(retried.attempt, 2);
  assert.equal(retried.submittedAt, T0);
  // A later attempt refused before it ran (an expired retry) has no start, not the earlier one's.
  const refused = applyStatusEvent(started, event('REVOKED', 4, { attempt: 2, finishedAt: T0 + 60_000 })).view;
  assert.equal(refused?.startedAt, null);
  assert.equal(refused.submittedAt, T0);
});

test('fields that describe only the latest event are replaced, not kept', () => {
  const { view } = project([
    event('RETRY', 3, {
      error: { code: 'SEDANO_ERR_X', type: 'Error', message: 'boom', retriable: true },
      nextAttemptAt: T0 + 60_000,
      progress: { current: 1, total: 2, percent: 50, message: null, details: null },
    }),
    event('STARTED', 4),
  ]);
  assert.equal(view?.error, null);
  assert.equal(view.nextAttemptAt, null);
  assert.equal(view.progress, null);
});

test('whatever order a job events arrive in, the view ends at the highest sequence', () => {
  const history = [
    event('PENDING', 1, { submittedAt: T0 }),
    event('STARTED', 2, { submittedAt: T0, startedAt: T0 + 2000 }),
    event('PROGRESS', 3, { submittedAt: T0, startedAt: T0 + 2000 }),
    event('RETRY', 4, { submittedAt: T0, startedAt: T0 + 2000, nextAttemptAt: T0 + 9000 }),
    event('STARTED', 5, { submittedAt: T0, startedAt: T0 + 9000, attempt: 2 }),
    event('SUCCESS', 6, { submittedAt: T0, startedAt: T0 + 9000, finishedAt: T0 + 6000, attempt: 2 }),
  ];
  const expected = project(history).view;
  let orders = 0;
  for (const order of permutations(history)) {
    // Redelivery on top of reordering: every event twice.
    const { view } = project([...order, ...order.slice().reverse()]);
    assert.deepEqual(view, expected, order.map((e) => e.sequence).join(','));
    orders += 1;
  }
  assert.equal(orders, 720);
});

test('applying never modifies the stored view or the event', () => {
  const first = event('STARTED', 2, { submittedAt: T0 });
  const current = applyStatusEvent(undefined, first).view;
  const frozenView = structuredClone(current);
  const next = { ...jobStatusEventSample, sequence: 9 };
  const frozenEvent = structuredClone(next);
  const { view } = applyStatusEvent(current, next);
  assert.deepEqual(current, frozenView);
  assert.deepEqual(next, frozenEvent);
  assert.notEqual(view, current);
});

test('an event of another job is refused', () => {
  const current = applyStatusEvent(undefined, event('STARTED', 2)).view;
  assert.throws(() => applyStatusEvent(current, { ...event('PROGRESS', 3), jobId: jobStatusEventRetrySample.jobId }), {
    name: 'RangeError',
  });
});

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let i = 0; i < items.length; i += 1) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i]!, ...tail];
  }
}

test('eventOfView gives back the event a view came from (the terminal event a projector restates)', () => {
  const success = event('SUCCESS', 9, {
    progress: { current: 3, total: 4, percent: 75, message: 'last', details: null },
    result: { 'sedano.NoopResult': { sleptMs: 1, spunMs: 2, payload: 'x' } },
  });
  const applied = applyStatusEvent(undefined, success);
  assert.ok(applied.applied);
  assert.deepEqual(eventOfView(applied.view), success);
});
