// Was: an upper-case UUID passed validation, then the view (which stores ids in lower case) knew no such job.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lowerCaseBodyIds, lowerCaseUrlIds } from '../../../../services/gateway/id-case.ts';

const UPPER = 'B272A9C4-0F1E-4D2B-9C3A-1E2F3A4B5C6D';
const LOWER = UPPER.toLowerCase();

test('ids a request names are made lower case: the path id, the batch filter, a submission’s ids', () => {
  const request = { params: { id: UPPER }, query: { batchId: UPPER, state: 'SUCCESS' } };
  lowerCaseUrlIds(request);
  assert.deepEqual(request, { params: { id: LOWER }, query: { batchId: LOWER, state: 'SUCCESS' } });
  const submission = { stage: 'noop', batchId: UPPER, parentJobId: UPPER, payload: { note: UPPER } };
  assert.equal(lowerCaseBodyIds(submission), submission, 'changed in place');
  assert.deepEqual(submission, { stage: 'noop', batchId: LOWER, parentJobId: LOWER, payload: { note: UPPER } });
  const batch = { batchId: UPPER, jobs: [{ parentJobId: UPPER }, 'not a job'] };
  lowerCaseBodyIds(batch);
  assert.deepEqual(batch, { batchId: LOWER, jobs: [{ parentJobId: LOWER }, 'not a job'] });
});

test('anything but a UUID is left as sent, for validation to judge', () => {
  const request = { params: { id: `${UPPER}Z`, name: UPPER }, query: { batchId: 42 } };
  lowerCaseUrlIds(request);
  assert.deepEqual(request, { params: { id: `${UPPER}Z`, name: UPPER }, query: { batchId: 42 } });
  const empty = { params: undefined, query: null };
  lowerCaseUrlIds(empty);
  assert.deepEqual(empty, { params: undefined, query: null });
  const list = [{ batchId: UPPER }];
  lowerCaseBodyIds(list);
  assert.deepEqual(list, [{ batchId: UPPER }]);
  for (const body of [null, 'text', 42, undefined]) assert.equal(lowerCaseBodyIds(body), body);
});
