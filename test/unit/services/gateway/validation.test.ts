import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobListQuery, submissionSchema } from '../../../../services/gateway/schemas.ts';
import { compileValidator, fieldProblems } from '../../../../services/gateway/validation.ts';
import { STAGES } from '../../../../topology/topics.ts';

function problems(schema: object, part: string, value: unknown) {
  const validate = compileValidator(schema, part);
  assert.equal(validate(value), false);
  return fieldProblems(validate.errors ?? [], part);
}

const submission = submissionSchema({ batchIdAllowed: false });

test('an unknown stage is reported at /stage, with the stages a submission may name', () => {
  const [problem, ...others] = problems(submission, 'body', { stage: 'bogus', payload: {} });
  assert.deepEqual(others, []);
  assert.equal(problem?.path, '/stage');
  assert.equal(problem?.message, `must be one of: ${STAGES.map((stage) => `"${stage}"`).join(', ')}`);
});

test('a stage of the wrong type is reported at /stage; a missing one once, as missing', () => {
  assert.deepEqual(problems(submission, 'body', { stage: 3, payload: {} }), [
    { in: 'body', path: '/stage', message: 'must be a string' },
  ]);
  assert.deepEqual(problems(submission, 'body', { payload: {} }), [
    { in: 'body', path: '/stage', message: "must have required property 'stage'" },
  ]);
});

test('a value outside an enum is reported with the values it may take', () => {
  const [priority] = problems(submission, 'body', { stage: 'noop', payload: {}, priority: 'URGENT' });
  assert.deepEqual(priority, { in: 'body', path: '/priority', message: 'must be one of: "HIGH", "NORMAL", "LOW"' });
  const [state] = problems(jobListQuery, 'querystring', { state: 'DONE' });
  assert.equal(state?.path, '/state');
  assert.match(state?.message ?? '', /^must be one of: "PENDING", "STARTED", .*"REVOKED"$/);
});

test("an enum longer than a message can list keeps the validator's own words", () => {
  const values = Array.from({ length: 21 }, (_, index) => `v${index}`);
  const [problem] = problems({ type: 'string', enum: values }, 'body', 'x');
  assert.equal(problem?.message, 'must be equal to one of the allowed values');
});
