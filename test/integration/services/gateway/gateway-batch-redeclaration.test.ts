/**
 * Regression: a second `POST /v1/batches` with a batch id that already had a declaration was
 * accepted and silently replaced it (2 jobs and a follow-up "first", then 1 job and a follow-up
 * "second": both 202 with the same follow-up id, the batch showing 3 jobs of a declared size 1,
 * and the follow-up running with "second", the first one lost). Now an exact repeat (a client
 * retrying after a lost reply) gets the first answer again and nothing is produced twice, while
 * a different declaration is a 409 `SEDANO_ERR_API_BATCH_REDECLARED`, also when both arrive at
 * once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { waitFor } from '../../../support/wait.ts';
import { startGateway, type GatewayHarness } from './gateway-harness.ts';

interface BatchReply {
  batchId: string;
  jobs: { jobId: string; batchId: string; created: boolean }[];
  followUpJobId: string | null;
}

interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown[] };
}

interface BatchStatus {
  state: string;
  total: number;
  size: number | null;
  followUpJobId: string | null;
}

const declaration = (batchId: string, jobs: number, followUp: string) => ({
  batchId,
  jobs: Array.from({ length: jobs }, (_, i) => ({ stage: 'noop', payload: { sleepMs: 10 * (i + 1) } })),
  followUp: { stage: 'noop', payload: { payload: followUp } },
});

async function declare(gateway: GatewayHarness, body: unknown): Promise<Response> {
  return gateway.call('POST', '/v1/batches', { json: body, token: 'submitter' });
}

async function accepted(response: Response): Promise<BatchReply> {
  assert.equal(response.status, 202, await response.clone().text());
  return (await response.json()) as BatchReply;
}

async function refused(response: Response, batchId: string): Promise<ErrorBody['error']> {
  assert.equal(response.status, 409, await response.clone().text());
  const body = (await response.json()) as ErrorBody;
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, 'SEDANO_ERR_API_BATCH_REDECLARED');
  assert.ok(body.error.requestId, 'the error names its request');
  assert.ok(body.error.message.includes(batchId), body.error.message);
  return body.error;
}

async function batchStatus(gateway: GatewayHarness, batchId: string): Promise<BatchStatus | undefined> {
  const response = await gateway.call('GET', `/v1/batches/${batchId}`, { token: 'reader' });
  return response.status === 200 ? ((await response.json()) as BatchStatus) : undefined;
}

test('a batch id is declared once: an exact repeat gets the first answer, another declaration a 409', async (t) => {
  const gateway = await startGateway(t, { worker: true });

  await t.test('the first declaration stands and its follow-up runs; a different one is refused', async () => {
    const batchId = randomUUID();
    const first = await accepted(await declare(gateway, declaration(batchId, 2, 'first')));
    assert.equal(first.jobs.length, 2);
    assert.ok(first.jobs.every((job) => job.created));

    const error = await refused(await declare(gateway, declaration(batchId, 1, 'second')), batchId);
    assert.match(error.message, /already declared/);
    // The same jobs with another follow-up, or from another submitter, are other declarations too.
    const otherFollowUp = await declare(gateway, declaration(batchId, 2, 'other'));
    await refused(otherFollowUp, batchId);
    const otherSubmitter = await gateway.call('POST', '/v1/batches', {
      json: declaration(batchId, 2, 'first'),
      token: 'admin',
    });
    await refused(otherSubmitter, batchId);

    // A client retrying after a lost reply: the first answer, nothing submitted again.
    const repeat = await accepted(await declare(gateway, declaration(batchId, 2, 'first')));
    assert.deepEqual(
      repeat.jobs.map((job) => job.jobId),
      first.jobs.map((job) => job.jobId),
    );
    assert.equal(repeat.followUpJobId, first.followUpJobId);
    assert.ok(
      repeat.jobs.every((job) => !job.created && job.batchId === batchId),
      'the repeat made no job',
    );

    const ended = await waitFor(
      async () => {
        const status = await batchStatus(gateway, batchId);
        return status?.state === 'SUCCESS' && status;
      },
      { description: `batch ${batchId} to succeed`, timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.deepEqual([ended.total, ended.size, ended.followUpJobId], [2, 2, first.followUpJobId]);
    const followUp = await waitFor(
      async () => {
        const response = await gateway.call('GET', `/v1/jobs/${first.followUpJobId}`, { token: 'reader' });
        const job = response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
        return job?.['state'] === 'SUCCESS' && job;
      },
      { description: 'the follow-up to succeed', timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.match(String(followUp['payloadPreview']), /"first"/, "the first declaration's follow-up ran");
    const started = (await gateway.sandbox.events(first.followUpJobId!)).filter((event) => event.state === 'STARTED');
    assert.equal(started.length, 1, 'the follow-up ran once');
  });

  await t.test('two different declarations at once: one is accepted, the other refused', async () => {
    const batchId = randomUUID();
    const answers = await Promise.all([
      declare(gateway, declaration(batchId, 2, 'left')),
      declare(gateway, declaration(batchId, 1, 'right')),
    ]);
    const statuses = answers.map((answer) => answer.status).sort();
    assert.deepEqual(statuses, [202, 409], (await Promise.all(answers.map((answer) => answer.text()))).join('\n'));
    const winner = answers[0].status === 202 ? 2 : 1;
    const ended = await waitFor(
      async () => {
        const status = await batchStatus(gateway, batchId);
        return status?.state === 'SUCCESS' && status;
      },
      { description: `batch ${batchId} to succeed`, timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.deepEqual([ended.total, ended.size], [winner, winner], 'only the accepted declaration was submitted');
  });

  await t.test('the same declaration twice at once: one batch, both told its jobs', async () => {
    const batchId = randomUUID();
    const body = declaration(batchId, 3, 'twice');
    const [one, other] = await Promise.all([declare(gateway, body), declare(gateway, body)]).then((answers) =>
      Promise.all(answers.map(accepted)),
    );
    assert.deepEqual(
      other!.jobs.map((job) => job.jobId),
      one!.jobs.map((job) => job.jobId),
    );
    assert.equal(other!.followUpJobId, one!.followUpJobId);
    const ended = await waitFor(
      async () => {
        const status = await batchStatus(gateway, batchId);
        return status?.state === 'SUCCESS' && status;
      },
      { description: `batch ${batchId} to succeed`, timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.deepEqual([ended.total, ended.size], [3, 3], 'no job was submitted twice');
  });

  await t.test('a batch id the view already has a declaration of (declared elsewhere) is refused', async () => {
    const batchId = randomUUID();
    await gateway.view.storeBatchDeclaration({
      batchId,
      size: 1,
      submittedAt: Date.now(),
      submitter: 'an-upstream-service',
      followUp: null,
    });
    await refused(await declare(gateway, declaration(batchId, 1, 'late')), batchId);
    const status = await batchStatus(gateway, batchId);
    assert.equal(status?.size, 1, 'the declaration stands');
    assert.equal(status?.followUpJobId, null, 'no follow-up was declared over it');
  });
});
