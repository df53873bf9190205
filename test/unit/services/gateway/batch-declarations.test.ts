import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchFingerprint } from '../../../../services/gateway/batch-declarations.ts';

const jobs = [
  { stage: 'noop', payload: { sleepMs: 10, payload: 'a' } },
  { stage: 'noop', payload: {}, priority: 'HIGH' },
];
const followUp = { stage: 'noop', payload: { payload: 'first' }, countdownMs: 5_000 };

test("a batch's fingerprint is its declaration's, whatever the order of its fields", () => {
  const first = batchFingerprint({ submitter: 'svc', jobs, followUp });
  assert.match(first, /^[0-9a-f]{64}$/);
  const reordered = {
    submitter: 'svc',
    jobs: [
      { payload: { payload: 'a', sleepMs: 10 }, stage: 'noop' },
      { priority: 'HIGH', payload: {}, stage: 'noop' },
    ],
    followUp: { countdownMs: 5_000, payload: { payload: 'first' }, stage: 'noop' },
  };
  assert.equal(batchFingerprint(reordered), first, 'an exact repeat, its keys in another order');
  assert.equal(batchFingerprint({ submitter: 'svc', jobs, followUp: { ...followUp, extra: undefined } }), first);
});

test('another job, job order, follow-up or submitter is another declaration', () => {
  const first = batchFingerprint({ submitter: 'svc', jobs, followUp });
  for (const [label, other] of [
    ['one job fewer', { submitter: 'svc', jobs: jobs.slice(0, 1), followUp }],
    ['the jobs in another order', { submitter: 'svc', jobs: [...jobs].reverse(), followUp }],
    ['another follow-up', { submitter: 'svc', jobs, followUp: { ...followUp, payload: { payload: 'second' } } }],
    ['no follow-up', { submitter: 'svc', jobs }],
    ['another submitter', { submitter: 'other', jobs, followUp }],
  ] as const) {
    assert.notEqual(batchFingerprint(other), first, label);
  }
});
