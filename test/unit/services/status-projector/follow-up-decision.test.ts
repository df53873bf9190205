import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchCounts } from '../../../../services/lib/status-view.ts';
import { decideFollowUp, type FollowUpFacts } from '../../../../services/status-projector/follow-up-decision.ts';
import { batchDeclarationSample } from '../../../unit/schemas/samples.ts';

const counts = (fields: Partial<BatchCounts>): BatchCounts => ({
  PENDING: 0,
  STARTED: 0,
  PROGRESS: 0,
  RETRY: 0,
  SUCCESS: 0,
  FAILURE: 0,
  REVOKED: 0,
  ...fields,
});

/** A declared batch of 5 with a follow-up, not submitted yet. */
const facts = (fields: Partial<FollowUpFacts>): FollowUpFacts => ({
  declaration: { ...batchDeclarationSample, size: 5 },
  counts: undefined,
  alreadySubmitted: false,
  ...fields,
});

const reasonOf = (input: FollowUpFacts) => {
  const decision = decideFollowUp(input);
  return decision.fire ? 'fire' : decision.reason;
};

test('the follow-up fires once every declared child has ended, failures and revocations included', () => {
  const decision = decideFollowUp(facts({ counts: counts({ SUCCESS: 3, FAILURE: 1, REVOKED: 1 }) }));
  assert.deepEqual(decision, { fire: true, followUp: batchDeclarationSample.followUp });
  assert.equal(reasonOf(facts({ counts: counts({ FAILURE: 5 }) })), 'fire');
  assert.equal(reasonOf(facts({ counts: counts({ SUCCESS: 5 }) })), 'fire');
});

test('it waits while a child is unseen or not terminal', () => {
  assert.equal(reasonOf(facts({})), 'children-unfinished', 'no child seen yet');
  assert.equal(reasonOf(facts({ counts: counts({ SUCCESS: 4 }) })), 'children-unfinished', 'one PENDING not projected');
  for (const state of ['PENDING', 'STARTED', 'PROGRESS', 'RETRY'] as const) {
    assert.equal(reasonOf(facts({ counts: counts({ SUCCESS: 4, [state]: 1 }) })), 'children-unfinished', state);
  }
  // More ended jobs than declared (one submitted apart with the batch id), one still running.
  assert.equal(reasonOf(facts({ counts: counts({ SUCCESS: 6, STARTED: 1 }) })), 'children-unfinished');
  assert.equal(reasonOf(facts({ counts: counts({ SUCCESS: 6 }) })), 'fire');
});

test('it never fires twice, nor without a declaration or a follow-up', () => {
  const done = counts({ SUCCESS: 5 });
  assert.equal(reasonOf(facts({ counts: done, alreadySubmitted: true })), 'already-submitted');
  assert.equal(reasonOf(facts({ counts: done, declaration: undefined })), 'undeclared');
  const withoutFollowUp = { ...batchDeclarationSample, size: 5, followUp: null };
  assert.equal(reasonOf(facts({ counts: done, declaration: withoutFollowUp })), 'no-follow-up');
});

test('a batch declared with no child fires at once', () => {
  assert.equal(reasonOf(facts({ declaration: { ...batchDeclarationSample, size: 0 } })), 'fire');
});
