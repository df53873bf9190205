import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonRetriableError, SedanoError } from '../../../../../services/lib/errors.ts';
import { jobErrorOf } from '../../../../../services/lib/runtime/failed-attempt.ts';

test('an ordinary error is a retriable job failure', () => {
  assert.deepEqual(jobErrorOf(new TypeError('boom')), {
    code: 'SEDANO_ERR_JOB_FAILED',
    type: 'TypeError',
    message: 'boom',
    retriable: true,
  });
});

test('a sedano error keeps its code and says whether it is retriable', () => {
  assert.deepEqual(jobErrorOf(new NonRetriableError('bad input')), {
    code: 'SEDANO_ERR_JOB_FAILED',
    type: 'NonRetriableError',
    message: 'bad input',
    retriable: false,
  });
  const limit = jobErrorOf(new SedanoError('SEDANO_ERR_JOB_TIME_LIMIT', 'too long'));
  assert.deepEqual([limit.code, limit.retriable], ['SEDANO_ERR_JOB_TIME_LIMIT', false]);
});

test('a thrown non-error is reported by its text', () => {
  assert.deepEqual(jobErrorOf('plain string'), {
    code: 'SEDANO_ERR_JOB_FAILED',
    type: 'string',
    message: 'plain string',
    retriable: true,
  });
});
