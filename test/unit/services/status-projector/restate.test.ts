import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { applyStatusEvent } from '../../../../services/lib/status-view.ts';
import { terminalToRestate } from '../../../../services/status-projector/restate.ts';
import { jobStatusEventSample } from '../../schemas/samples.ts';

const at = (state: JobStatusEvent['state'], sequence: number): JobStatusEvent => ({
  ...jobStatusEventSample,
  state,
  sequence,
});

/** The view after `first`, then what `second` does to it. */
function after(first: JobStatusEvent, second: JobStatusEvent) {
  const stored = applyStatusEvent(undefined, first);
  assert.ok(stored.applied);
  return { stored: stored.view, outcome: applyStatusEvent(stored.view, second) };
}

test('an older or later event ignored after a terminal state restates the terminal event', () => {
  for (const late of [at('PENDING', 0), at('PROGRESS', 3), at('REVOKED', 12)]) {
    const { stored, outcome } = after(at('SUCCESS', 5), late);
    assert.equal(terminalToRestate(outcome, late), stored, late.state);
  }
});

test('a duplicate of the terminal event (a restated one included) is not restated again', () => {
  const { outcome } = after(at('FAILURE', 5), at('FAILURE', 5));
  assert.equal(terminalToRestate(outcome, at('FAILURE', 5)), undefined);
});

test('nothing is restated for an applied event or a job that has not ended', () => {
  const applied = applyStatusEvent(undefined, at('SUCCESS', 5));
  assert.equal(terminalToRestate(applied, at('SUCCESS', 5)), undefined);
  const { outcome } = after(at('PROGRESS', 5), at('PENDING', 0));
  assert.equal(terminalToRestate(outcome, at('PENDING', 0)), undefined);
});

test("an earlier attempt's event with the terminal event's sequence is no duplicate: the terminal event is restated", () => {
  const earlier = { ...at('RETRY', 5), attempt: jobStatusEventSample.attempt - 1 };
  const { stored, outcome } = after(at('SUCCESS', 5), earlier);
  assert.equal(terminalToRestate(outcome, earlier), stored);
});
