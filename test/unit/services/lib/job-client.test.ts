import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobStatusEventContract } from '../../../../schemas/job-status-event.ts';
import { validationProblems } from '../../../../services/lib/codec.ts';
import { jobHeader, pendingEvent } from '../../../../services/lib/job-client.ts';
import { jobIdForKey } from '../../../../services/lib/job-ids.ts';

test('an idempotency key always gives the same version-5 job id', () => {
  const id = jobIdForKey('upload-42');
  assert.equal(id, jobIdForKey('upload-42'));
  assert.notEqual(id, jobIdForKey('upload-43'));
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('the header takes the options and the PENDING event follows from it', () => {
  const header = jobHeader('indexing', { priority: 'HIGH', idempotencyKey: 'k' }, 'api', 1000);
  assert.equal(header.jobId, jobIdForKey('k'));
  assert.equal(header.jobType, 'INDEX_DOCUMENTS');
  assert.equal(header.priority, 'HIGH');
  assert.equal(header.submitter, 'api');
  const event = pendingEvent('indexing', header, null);
  assert.equal(event.state, 'PENDING');
  assert.equal(event.stage, 'INDEXING');
  assert.equal(event.sequence, 0);
  assert.equal(event.submittedAt, 1000);
  assert.deepEqual(validationProblems(jobStatusEventContract, event), []);
});
