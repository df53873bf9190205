/**
 * The gateway through real HTTP on the real stack (Kafka, registry, Redis), with a noop stage
 * runtime and a status projector on topics of their own: submit → watch via SSE → SUCCESS,
 * late SSE clients, idempotency keys, revoke, batches, listing, 404s, stages, dead letters
 * (list, replay, second replay, poison), readiness, metrics and the OpenAPI description.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { noopRequestContract } from '../../../../schemas/noop-request.ts';
import type { DeadLetterRecord } from '../../../../schemas/dead-letter-record.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { jobIdForKey, newJobId } from '../../../../services/lib/job-ids.ts';
import { startTelemetry } from '../../../../services/lib/telemetry.ts';
import { MAX_STAGE_COUNT } from '../../../../services/lib/status-view.ts';
import { endpoints, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';
import { jobStatusEventSample } from '../../../unit/schemas/samples.ts';
import { readEvents, startGateway, type GatewayHarness } from './gateway-harness.ts';

interface JobBody {
  jobId: string;
  state: string;
  [field: string]: unknown;
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

const validNoopJob = { stage: 'noop', payload: {} };

async function submitNoop(gateway: GatewayHarness, payload: Record<string, unknown>, extra = {}): Promise<string> {
  const response = await gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload, ...extra } });
  assert.equal(response.status, 202, await response.clone().text());
  return (await json<{ jobId: string }>(response)).jobId;
}

async function jobUntil(gateway: GatewayHarness, jobId: string, states: string[]): Promise<JobBody> {
  return waitFor(
    async () => {
      const response = await gateway.call('GET', `/v1/jobs/${jobId}`, { token: 'reader' });
      if (response.status !== 200) return undefined;
      const job = await json<JobBody>(response);
      return states.includes(job.state) && job;
    },
    { description: `job ${jobId} in ${states.join('|')}`, timeoutMs: 30_000, intervalMs: 50 },
  );
}

test('gateway API on the real stack', { timeout: 240_000 }, async (t) => {
  const gateway = await startGateway(t, { worker: true });

  await t.test('submit, then watch via SSE until SUCCESS; a late client gets the final state', async () => {
    const response = await gateway.call('POST', '/v1/jobs', {
      // Long enough that the stream opens before the end even when the projector applies a batch late.
      json: { stage: 'noop', payload: { sleepMs: 1500, payload: 'hello' }, priority: 'HIGH' },
    });
    assert.equal(response.status, 202);
    const submitted = await json<{ jobId: string; statusUrl: string; eventsUrl: string; created: boolean }>(response);
    assert.equal(submitted.statusUrl, `/v1/jobs/${submitted.jobId}`);
    assert.equal(submitted.created, true);
    // The job is in the view once the projector applied its PENDING: the stream needs it.
    await jobUntil(gateway, submitted.jobId, ['PENDING', 'STARTED', 'PROGRESS']);
    // Asked for compressed as a browser does: an event stream is never compressed (it would wait for a buffer).
    const stream = await gateway.call('GET', submitted.eventsUrl, {
      token: 'reader',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(stream.headers.get('content-encoding'), null);
    const events = await readEvents(stream); // resolves only when the server ends the stream
    const states = events.map((event) => (event.data as JobBody).state);
    assert.equal(states.at(-1), 'SUCCESS', `states: ${states.join(', ')}`);
    assert.ok(states.length >= 2, `the current state first, then changes: ${states.join(', ')}`);
    const ids = events.map((event) => Number(event.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'event ids are increasing sequences',
    );
    const final = events.at(-1)!.data as JobBody & { result: { kind: string; payload: string }; traceUrl: string };
    assert.equal(final.result.kind, 'sedano.NoopResult');
    assert.equal(final.result.payload, 'hello');
    assert.match(final.traceUrl, /^http:\/\/jaeger\.test:16686\/trace\/[0-9a-f]{32}$/);

    const late = await readEvents(await gateway.call('GET', submitted.eventsUrl, { token: 'reader' }));
    assert.deepEqual(
      late.map((event) => (event.data as JobBody).state),
      ['SUCCESS'],
    );
    const job = await json<JobBody>(await gateway.call('GET', submitted.statusUrl));
    assert.equal(job.state, 'SUCCESS');
    assert.equal(job['attempt'], 1);
    assert.equal(typeof job['startedAt'], 'number');
    assert.equal(typeof job['finishedAt'], 'number');
  });

  await t.test("a job's payload is shown from its PENDING to its end, its credentials redacted", async () => {
    const document = 'https://anna:pw@docs.example/a.pdf?token=s3cret&page=2';
    const response = await gateway.call('POST', '/v1/jobs', {
      // Delayed, so its PENDING is read before any worker event: the submission's own preview.
      json: { stage: 'noop', payload: { sleepMs: 300, payload: document }, countdownMs: 1500 },
    });
    assert.equal(response.status, 202);
    const { jobId } = await json<{ jobId: string }>(response);
    const shown = {
      sleepMs: 300,
      cpuSpinMs: 0,
      failureRate: 0,
      payload: 'https://[REDACTED]@docs.example/a.pdf?token=[REDACTED]&page=2',
    };
    for (const states of [['PENDING'], ['SUCCESS']]) {
      const job = await jobUntil(gateway, jobId, states);
      assert.deepEqual(JSON.parse(job['payloadPreview'] as string), shown, job.state);
    }
  });

  await t.test('an event stream opened just before the job reaches the view waits for it', async () => {
    // The job id of an idempotency key is known before the job exists.
    const key = `stream-first-${randomUUID()}`;
    const stream = gateway.call('GET', `/v1/jobs/${jobIdForKey(key)}/events`, { token: 'reader' });
    const submitted = await gateway.call('POST', '/v1/jobs', {
      json: { stage: 'noop', payload: { sleepMs: 10 } },
      headers: { 'idempotency-key': key },
    });
    assert.equal(submitted.status, 202);
    const response = await stream;
    assert.equal(response.status, 200, 'not a 404: the stream waited for the job to appear');
    const events = await readEvents(response);
    assert.equal((events.at(-1)?.data as JobBody).state, 'SUCCESS');
  });

  await t.test('the same Idempotency-Key returns the same job', async () => {
    const key = `order-${randomUUID()}`;
    const first = await gateway.call('POST', '/v1/jobs', {
      json: { stage: 'noop', payload: {} },
      headers: { 'idempotency-key': key },
    });
    const second = await gateway.call('POST', '/v1/jobs', {
      json: { stage: 'noop', payload: { sleepMs: 1 } },
      headers: { 'idempotency-key': key },
    });
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    const [a, b] = [
      await json<{ jobId: string; created: boolean; estimate: unknown }>(first),
      await json<{ jobId: string; created: boolean; estimate: unknown }>(second),
    ];
    assert.equal(a.jobId, b.jobId);
    assert.deepEqual([a.created, b.created], [true, false]);
    const claimTtl = await gateway.sandbox.redis.ttl(gateway.sandbox.keys.idempotency(a.jobId));
    assert.ok(claimTtl > 86_400, `the key is kept as long as the ledger (7 days), got ${claimTtl} s`);
    assert.equal(b.estimate, null, "a repeat's job was queued before: no estimate as if it were new");
    await jobUntil(gateway, a.jobId, ['SUCCESS']);
    const other = await gateway.call('POST', '/v1/jobs', {
      json: { stage: 'indexing', payload: { collection: 'c', documents: [{ uri: 'a.pdf' }] } },
      headers: { 'idempotency-key': key },
    });
    assert.equal(other.status, 409, 'the same key for another stage is a conflict');

    // A client's retry after its expiry time passed: the same job, not a 400 for a past expiresAt.
    const expiringKey = `order-${randomUUID()}`;
    const expiring = {
      json: { ...validNoopJob, expiresAt: Date.now() + 1_000 },
      headers: { 'idempotency-key': expiringKey },
    };
    const firstTry = await json<{ jobId: string; expiresAt: number }>(await gateway.call('POST', '/v1/jobs', expiring));
    await waitFor(() => Date.now() > firstTry.expiresAt, { description: 'the expiry passed' });
    const retried = await gateway.call('POST', '/v1/jobs', expiring);
    assert.equal(retried.status, 202, await retried.clone().text());
    const again = await json<{ jobId: string; created: boolean; expiresAt: number }>(retried);
    assert.deepEqual([again.jobId, again.created, again.expiresAt], [firstTry.jobId, false, firstTry.expiresAt]);
  });

  await t.test(
    'revoke a running job, or one waiting for its retry: 202, then REVOKED; revoking a finished job is a conflict',
    async () => {
      const jobId = await submitNoop(gateway, { sleepMs: 60_000 });
      await jobUntil(gateway, jobId, ['STARTED', 'PROGRESS']);
      const revoke = await gateway.call('DELETE', `/v1/jobs/${jobId}`, {
        token: 'submitter',
        json: { reason: 'wrong file s3://b/a.pdf?X-Amz-Signature=abc' },
      });
      assert.equal(revoke.status, 202);
      const revoked = await jobUntil(gateway, jobId, ['REVOKED', 'SUCCESS', 'FAILURE']);
      assert.equal(revoked.state, 'REVOKED');
      const { code, message } = revoked['error'] as { code: string; message: string };
      assert.equal(code, 'SEDANO_ERR_JOB_REVOKED');
      // Who revoked it, then why, with the reason's credentials redacted.
      assert.match(message, /^revoked by \S+: wrong file s3:\/\/b\/a\.pdf\?X-Amz-Signature=\[REDACTED\]$/);
      assert.equal((await gateway.call('DELETE', `/v1/jobs/${jobId}`)).status, 202, 'revoking again is harmless');

      // Waiting for its retry (due in a minute): REVOKED at once, its next attempt never started.
      const failing = await json<{ jobId: string }>(
        await gateway.call('POST', '/v1/jobs', {
          json: {
            stage: 'noop',
            payload: { failureRate: 1 },
            retryPolicy: { maxAttempts: 3, initialBackoffMs: 60_000, maxBackoffMs: 60_000, backoffMultiplier: 1 },
          },
        }),
      );
      const retrying = await jobUntil(gateway, failing.jobId, ['RETRY']);
      assert.equal((await gateway.call('DELETE', `/v1/jobs/${failing.jobId}`, { token: 'submitter' })).status, 202);
      const ended = await jobUntil(gateway, failing.jobId, ['REVOKED']);
      assert.ok(Date.now() < (retrying['nextAttemptAt'] as number), 'ended before its retry was due');
      assert.deepEqual([ended['attempt'], ended['startedAt']], [2, null], 'its second attempt never started');

      const done = await submitNoop(gateway, {});
      await jobUntil(gateway, done, ['SUCCESS']);
      const conflict = await gateway.call('DELETE', `/v1/jobs/${done}`);
      assert.equal(conflict.status, 409);
      assert.equal((await json<{ error: { code: string } }>(conflict)).error.code, 'SEDANO_ERR_API_CONFLICT');
    },
  );

  await t.test(
    'a batch: counts per state, progress and state until SUCCESS, then its follow-up runs once',
    async () => {
      const keyed = await gateway.call('POST', '/v1/batches', {
        json: { jobs: [validNoopJob] },
        headers: { 'idempotency-key': `batch-${randomUUID()}` },
      });
      assert.equal(keyed.status, 400, 'a key is refused, not ignored');
      assert.equal((await json<{ error: { code: string } }>(keyed)).error.code, 'SEDANO_ERR_API_BAD_REQUEST');
      const response = await gateway.call('POST', '/v1/batches', {
        json: {
          jobs: [1, 2, 3].map((n) => ({ stage: 'noop', payload: { sleepMs: n * 10 } })),
          followUp: { stage: 'noop', payload: { payload: 'after the batch' } },
        },
      });
      assert.equal(response.status, 202, await response.clone().text());
      const batch = await json<{
        batchId: string;
        statusUrl: string;
        jobs: { jobId: string; batchId: string }[];
        followUpJobId: string;
      }>(response);
      assert.match(batch.followUpJobId, /^[0-9a-f-]{36}$/);
      assert.equal(batch.jobs.length, 3);
      assert.ok(batch.jobs.every((job) => job.batchId === batch.batchId));
      const summary = await waitFor(
        async () => {
          const status = await gateway.call('GET', batch.statusUrl, { token: 'reader' });
          if (status.status !== 200) return undefined;
          const body = await json<{ state: string; total: number; percent: number; counts: Record<string, number> }>(
            status,
          );
          return body.state === 'SUCCESS' && body;
        },
        { description: 'the batch to succeed', timeoutMs: 30_000 },
      );
      assert.equal(summary.total, 3);
      assert.equal(summary.percent, 100);
      assert.equal(summary.counts['SUCCESS'], 3);
      const followUp = await jobUntil(gateway, batch.followUpJobId, ['SUCCESS']);
      assert.equal(followUp['batchId'], null, 'the follow-up is no child of its batch');
      assert.equal(followUp['attempt'], 1);
      const lastChild = Math.max(
        ...(await Promise.all(
          batch.jobs.map(async (job) => (await jobUntil(gateway, job.jobId, ['SUCCESS']))['finishedAt'] as number),
        )),
      );
      assert.ok((followUp['startedAt'] as number) >= lastChild, 'the follow-up started after the last child ended');
      const started = (await gateway.sandbox.events(batch.followUpJobId)).filter((event) => event.state === 'STARTED');
      assert.equal(started.length, 1, 'the follow-up ran once');
      const withFollowUp = await json<{ followUpJobId: string; size: number }>(
        await gateway.call('GET', batch.statusUrl, { token: 'reader' }),
      );
      assert.deepEqual([withFollowUp.followUpJobId, withFollowUp.size], [batch.followUpJobId, 3]);
      const parented = await gateway.call('POST', '/v1/batches', {
        json: { jobs: [validNoopJob], followUp: { ...validNoopJob, parentJobId: batch.batchId } },
      });
      assert.equal(parented.status, 400, 'a follow-up names no parent: it is implied');
      const listed = await json<{ jobs: JobBody[] }>(
        await gateway.call('GET', `/v1/jobs?batchId=${batch.batchId}&stage=noop&limit=2`, { token: 'reader' }),
      );
      assert.equal(listed.jobs.length, 2);
    },
  );

  await t.test(
    'revoking a batch ends its queued and running jobs REVOKED, leaves the finished ones, and its follow-up never runs',
    async () => {
      const response = await gateway.call('POST', '/v1/batches', {
        json: {
          jobs: [
            validNoopJob,
            { stage: 'noop', payload: { sleepMs: 60_000 } },
            { ...validNoopJob, countdownMs: 60_000 },
          ],
          followUp: { stage: 'noop', payload: { payload: 'the report of the batch' } },
        },
      });
      assert.equal(response.status, 202, await response.clone().text());
      const batch = await json<{ batchId: string; jobs: { jobId: string }[]; followUpJobId: string }>(response);
      const [done, running, queued] = batch.jobs.map((job) => job.jobId) as [string, string, string];
      await jobUntil(gateway, done, ['SUCCESS']);
      await jobUntil(gateway, running, ['STARTED', 'PROGRESS']);
      await jobUntil(gateway, queued, ['PENDING']);

      const revoke = await gateway.call('DELETE', `/v1/batches/${batch.batchId}`, {
        token: 'submitter',
        json: { reason: 'wrong folder' },
      });
      assert.equal(revoke.status, 202, await revoke.clone().text());
      assert.deepEqual(await json(revoke), {
        batchId: batch.batchId,
        statusUrl: `/v1/batches/${batch.batchId}`,
        revoked: 3,
        alreadyEnded: 1,
        notYetInView: 0,
      });
      for (const jobId of [running, queued]) {
        assert.equal((await jobUntil(gateway, jobId, ['REVOKED', 'SUCCESS', 'FAILURE'])).state, 'REVOKED');
      }
      assert.equal((await jobUntil(gateway, done, ['SUCCESS'])).state, 'SUCCESS', 'a finished job stays as it ended');
      // Every child ended, so the projector submits the follow-up; revoked ahead, it is refused.
      const followUp = await jobUntil(gateway, batch.followUpJobId, ['REVOKED', 'SUCCESS', 'FAILURE']);
      assert.equal(followUp.state, 'REVOKED');
      assert.match((followUp['error'] as { message: string }).message, /^revoked by \S+: wrong folder$/);
      const states = (await gateway.sandbox.events(batch.followUpJobId)).map((event) => event.state);
      assert.ok(!states.includes('STARTED'), `the follow-up never started: ${states.join(', ')}`);
      const counts = await json<{ state: string; counts: Record<string, number> }>(
        await gateway.call('GET', `/v1/batches/${batch.batchId}`, { token: 'reader' }),
      );
      assert.deepEqual([counts.counts['SUCCESS'], counts.counts['REVOKED']], [1, 2]);

      const again = await gateway.call('DELETE', `/v1/batches/${batch.batchId}`, { token: 'submitter' });
      assert.equal(again.status, 202, 'revoking again is harmless');
      assert.deepEqual(
        [(await json<{ revoked: number; alreadyEnded: number }>(again)).revoked],
        [0],
        'nothing left to revoke',
      );
      const unknown = await gateway.call('DELETE', `/v1/batches/${randomUUID()}`, { token: 'submitter' });
      assert.equal(unknown.status, 404);
      const reader = await gateway.call('DELETE', `/v1/batches/${batch.batchId}`, { token: 'reader' });
      assert.equal(reader.status, 403, 'a read token cannot revoke');
    },
  );

  await t.test(
    "a batch's follow-up is a PENDING job from the batch's submission: read, streamed, and revoked before its batch ends",
    async () => {
      const submitBatch = async () => {
        const response = await gateway.call('POST', '/v1/batches', {
          json: {
            // Its one child runs 5 s: long enough that the follow-up is read before the batch ends.
            jobs: [{ stage: 'noop', payload: { sleepMs: 5_000 } }],
            followUp: { ...validNoopJob, expiresInMs: 600_000 },
          },
        });
        assert.equal(response.status, 202, await response.clone().text());
        return json<{ batchId: string; jobs: { jobId: string }[]; followUpJobId: string }>(response);
      };
      const [revoked, streamed] = await Promise.all([submitBatch(), submitBatch()]);

      // Known from its batch's declaration, before any event of its own exists.
      const waiting = await jobUntil(gateway, revoked.followUpJobId, ['PENDING']);
      assert.deepEqual(await gateway.sandbox.events(revoked.followUpJobId), [], 'the follow-up is not submitted yet');
      assert.equal(waiting['batchId'], null, 'no child of its batch');
      assert.equal(typeof waiting['expiresAt'], 'number', 'its declared expiry shows');

      // A stream opened now follows it from PENDING to its end, after its batch's.
      const stream = gateway.call('GET', `/v1/jobs/${streamed.followUpJobId}/events`, { token: 'reader' });

      // Revoked before its batch ends: it ends at once, and is not submitted when the batch ends.
      const deleted = await gateway.call('DELETE', `/v1/jobs/${revoked.followUpJobId}`, {
        token: 'submitter',
        json: { reason: 'not needed after all' },
      });
      assert.equal(deleted.status, 202, await deleted.clone().text());
      await jobUntil(gateway, revoked.followUpJobId, ['REVOKED']);

      const states = (await readEvents(await stream)).map((event) => (event.data as JobBody).state);
      assert.equal(states[0], 'PENDING', `states: ${states.join(', ')}`);
      assert.equal(states.at(-1), 'SUCCESS', `states: ${states.join(', ')}`);
      await jobUntil(gateway, revoked.jobs[0]!.jobId, ['SUCCESS']);
      const ended = await jobUntil(gateway, revoked.followUpJobId, ['REVOKED', 'SUCCESS']);
      assert.equal(ended.state, 'REVOKED');
      assert.equal((ended['error'] as { message: string }).message, 'revoked by test-submitter: not needed after all');
      const events = (await gateway.sandbox.events(revoked.followUpJobId)).map((event) => event.state);
      assert.ok(!events.includes('STARTED'), `the revoked follow-up never started: ${events.join(', ')}`);
    },
  );

  await t.test(
    "a delayed job (Celery's countdown, eta) waits PENDING with its due time, then runs; one revoked meanwhile never starts",
    async () => {
      const before = Date.now();
      const response = await gateway.call('POST', '/v1/jobs', {
        json: { stage: 'noop', payload: {}, countdownMs: 5_000 },
      });
      assert.equal(response.status, 202, await response.clone().text());
      const delayed = await json<{ jobId: string; notBefore: number; estimate: { startsInMs: number } | null }>(
        response,
      );
      assert.ok(delayed.notBefore >= before + 5_000 && delayed.notBefore <= Date.now() + 5_000, `${delayed.notBefore}`);
      if (delayed.estimate !== null) assert.ok(delayed.estimate.startsInMs >= 4_000, 'the estimate starts when due');
      const pending = await jobUntil(gateway, delayed.jobId, ['PENDING', 'STARTED', 'SUCCESS']);
      assert.equal(pending.state, 'PENDING');
      assert.equal(pending['nextAttemptAt'], delayed.notBefore, "the view shows the job's due time");
      const done = await jobUntil(gateway, delayed.jobId, ['SUCCESS', 'FAILURE']);
      assert.equal(done.state, 'SUCCESS');
      assert.ok((done['startedAt'] as number) >= delayed.notBefore, 'started no sooner than its due time');

      // `notBefore` (an eta), revoked while it waits: the worker refuses it when it comes due.
      const eta = await gateway.call('POST', '/v1/jobs', {
        json: { stage: 'noop', payload: {}, notBefore: Date.now() + 1_500 },
      });
      assert.equal(eta.status, 202);
      const waiting = await json<{ jobId: string; notBefore: number }>(eta);
      await jobUntil(gateway, waiting.jobId, ['PENDING']);
      assert.equal((await gateway.call('DELETE', `/v1/jobs/${waiting.jobId}`, { token: 'submitter' })).status, 202);
      assert.deepEqual(await gateway.sandbox.untilEnded([waiting.jobId], { timeoutMs: 30_000 }), ['REVOKED']);
      const states = (await gateway.sandbox.events(waiting.jobId)).map((event) => event.state);
      assert.ok(!states.includes('STARTED'), `never started: ${states.join(', ')}`);

      // Both at once, or beyond 30 days: refused, naming the field.
      for (const refused of [
        { countdownMs: 1_000, notBefore: Date.now() + 1_000 },
        { notBefore: Date.now() + 31 * 86_400_000 },
      ]) {
        const response = await gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload: {}, ...refused } });
        assert.equal(response.status, 400);
        const { error } = await json<{ error: { code: string; details: { path: string }[] } }>(response);
        assert.equal(error.code, 'SEDANO_ERR_JOB_INVALID_REQUEST');
        assert.deepEqual(
          error.details.map((detail) => detail.path),
          ['/notBefore'],
        );
      }

      // In a batch: a delayed child, and a follow-up delayed past the batch's end, produced by the projector.
      const submittedAt = Date.now();
      const batchResponse = await gateway.call('POST', '/v1/batches', {
        json: {
          jobs: [{ ...validNoopJob, countdownMs: 1_500 }, validNoopJob],
          followUp: { ...validNoopJob, countdownMs: 4_000 },
        },
      });
      assert.equal(batchResponse.status, 202, await batchResponse.clone().text());
      const batch = await json<{ jobs: { jobId: string; notBefore: number | null }[]; followUpJobId: string }>(
        batchResponse,
      );
      assert.equal(batch.jobs[1]?.notBefore, null);
      const child = await jobUntil(gateway, batch.jobs[0]!.jobId, ['SUCCESS']);
      assert.ok((child['startedAt'] as number) >= batch.jobs[0]!.notBefore!, 'the delayed child waited');
      const followUp = await jobUntil(gateway, batch.followUpJobId, ['SUCCESS']);
      assert.ok((followUp['startedAt'] as number) >= submittedAt + 4_000, 'the follow-up waited for its due time');

      // A due time in the past starts the job at once, as Celery's eta does.
      const past = await gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload: {}, notBefore: 1 } });
      const immediate = await json<{ jobId: string; notBefore: number | null }>(past);
      assert.equal(immediate.notBefore, null);
      await jobUntil(gateway, immediate.jobId, ['SUCCESS']);
    },
  );

  await t.test('listing is newest first and pages by cursor', async () => {
    const ids = [await submitNoop(gateway, {}), await submitNoop(gateway, {}), await submitNoop(gateway, {})];
    for (const id of ids) await jobUntil(gateway, id, ['SUCCESS']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = await json<{ jobs: JobBody[]; nextCursor: string | null }>(
        await gateway.call('GET', `/v1/jobs?state=SUCCESS&stage=noop&limit=2${query}`),
      );
      seen.push(...page.jobs.map((job) => job.jobId));
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.equal(new Set(seen).size, seen.length, 'no job twice');
    for (const id of ids) assert.ok(seen.includes(id));
    // A page of 1 KiB or more goes compressed to a client that accepts it, as it is to one that does not.
    const big = `/v1/jobs?state=SUCCESS&stage=noop&limit=3`;
    const zipped = await gateway.call('GET', big, { headers: { 'accept-encoding': 'gzip' } });
    const plain = await gateway.call('GET', big, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    assert.equal(plain.headers.get('content-encoding'), null);
    const [zippedJobs, plainJobs] = [await json<{ jobs: JobBody[] }>(zipped), await json<{ jobs: JobBody[] }>(plain)];
    assert.ok(JSON.stringify(plainJobs).length >= 1024, 'a page above the threshold');
    assert.deepEqual([zippedJobs.jobs.length, plainJobs.jobs.length], [3, 3]);
    const first = await json<{ jobs: JobBody[] }>(await gateway.call('GET', '/v1/jobs?limit=1'));
    assert.equal(first.jobs.length, 1);
    // `fields=summary`: the same jobs, each without its result (what the dashboard's lists ask).
    const summary = await json<{ jobs: JobBody[] }>(await gateway.call('GET', `${big}&fields=summary`));
    assert.deepEqual(
      summary.jobs.map((job) => job.jobId),
      plainJobs.jobs.map((job) => job.jobId),
    );
    assert.ok(plainJobs.jobs.every((job) => job['result'] !== null && typeof job['result'] === 'object'));
    assert.ok(summary.jobs.every((job) => !('result' in job) && job.state === 'SUCCESS' && 'payloadPreview' in job));
    const bogus = await gateway.call('GET', '/v1/jobs?fields=everything');
    assert.equal(bogus.status, 400);
  });

  await t.test('listing finds jobs by a text of their payload (any case) and by worker', async () => {
    const marker = `Quarterly-${randomUUID().slice(0, 8)}`;
    const found = await submitNoop(gateway, { payload: `reports/${marker}.pdf` });
    const other = await submitNoop(gateway, { payload: 'reports/other.pdf' });
    const done = await jobUntil(gateway, found, ['SUCCESS']);
    await jobUntil(gateway, other, ['SUCCESS']);
    const listed = async (query: string) =>
      (await json<{ jobs: JobBody[] }>(await gateway.call('GET', `/v1/jobs?${query}`))).jobs.map((job) => job.jobId);
    assert.deepEqual(await listed(`q=${encodeURIComponent(marker.toLowerCase())}`), [found]);
    assert.deepEqual(await listed(`q=${marker}&state=FAILURE`), [], 'with the other filters');
    const byWorker = await listed(`workerId=${encodeURIComponent(String(done['workerId']))}&q=${marker}`);
    assert.deepEqual(byWorker, [found]);
    assert.deepEqual(await listed(`workerId=no-such-worker&q=${marker}`), []);
    for (const bad of ['q=', `q=${'x'.repeat(201)}`, 'workerId=']) {
      assert.equal((await gateway.call('GET', `/v1/jobs?${bad}`)).status, 400, bad);
    }
  });

  await t.test('unknown ids are 404 with a clear code, never PENDING', async () => {
    const unknown = randomUUID();
    for (const [method, path] of [
      ['GET', `/v1/jobs/${unknown}`],
      ['GET', `/v1/jobs/${unknown}/events`],
      ['DELETE', `/v1/jobs/${unknown}`],
      ['GET', `/v1/batches/${unknown}`],
      ['POST', '/v1/dead-letters/0-999999999/replay'],
      ['GET', '/v1/no-such-route'],
    ] as const) {
      const response = await gateway.call(method, path);
      assert.equal(response.status, 404, `${method} ${path}`);
      const body = await json<{ error: { code: string; message: string } }>(response);
      assert.equal(body.error.code, 'SEDANO_ERR_API_NOT_FOUND', `${method} ${path}`);
      assert.ok(body.error.message.length > 0);
    }
  });

  // Was: an upper-case UUID passed validation, then was a 404 for a job the view held in lower case.
  await t.test('ids in upper case name the same jobs and batches as in lower case', async () => {
    const batchId = randomUUID();
    const parentJobId = randomUUID();
    const submitted = await gateway.call('POST', '/v1/batches', {
      json: { batchId: batchId.toUpperCase(), jobs: [{ ...validNoopJob, parentJobId: parentJobId.toUpperCase() }] },
    });
    assert.equal(submitted.status, 202, await submitted.clone().text());
    const batch = await json<{ batchId: string; jobs: { jobId: string }[] }>(submitted);
    assert.equal(batch.batchId, batchId, 'a batch id given in upper case is stored in lower case');
    const jobId = batch.jobs[0]!.jobId;
    await jobUntil(gateway, jobId, ['SUCCESS']);
    const upper = jobId.toUpperCase();
    const job = await gateway.call('GET', `/v1/jobs/${upper}`, { token: 'reader' });
    assert.equal(job.status, 200, await job.clone().text());
    const shown = await json<JobBody & { parentJobId: string | null }>(job);
    assert.equal(shown.jobId, jobId);
    assert.equal(shown.parentJobId, parentJobId, 'a parent job id given in upper case is stored in lower case');
    const events = await gateway.call('GET', `/v1/jobs/${upper}/events`, { token: 'reader' });
    assert.equal(events.status, 200);
    assert.equal(((await readEvents(events)).at(-1)?.data as JobBody).state, 'SUCCESS');
    const listed = await json<{ jobs: JobBody[] }>(
      await gateway.call('GET', `/v1/jobs?batchId=${batchId.toUpperCase()}`, { token: 'reader' }),
    );
    assert.deepEqual(
      listed.jobs.map((listedJob) => listedJob.jobId),
      [jobId],
    );
    const counts = await gateway.call('GET', `/v1/batches/${batchId.toUpperCase()}`, { token: 'reader' });
    assert.equal(counts.status, 200, await counts.clone().text());
    assert.equal((await json<{ batchId: string }>(counts)).batchId, batchId);
    // Found, so refused as ended (409), not unknown (404).
    const revoke = await gateway.call('DELETE', `/v1/jobs/${upper}`);
    assert.equal(revoke.status, 409, await revoke.clone().text());
  });

  await t.test('concurrent reads of jobs share Redis reads, yet each shows the view as it was when asked', async () => {
    const jobId = randomUUID();
    const unknown = randomUUID();
    const at = (state: 'PENDING' | 'STARTED' | 'PROGRESS', sequence: number): JobStatusEvent => ({
      ...jobStatusEventSample,
      jobId,
      jobType: 'NOOP',
      stage: 'NOOP',
      state,
      sequence,
      progress: null,
      result: null,
      error: null,
      batchId: null,
      occurredAt: Date.now(),
      finishedAt: null,
    });
    const readAll = async () => {
      const paths = Array.from({ length: 30 }, (_, i) => `/v1/jobs/${i % 3 === 2 ? unknown : jobId}`);
      const responses = await Promise.all(paths.map((path) => gateway.call('GET', path, { token: 'reader' })));
      return Promise.all(
        responses.map(async (response) => {
          assert.ok(response.headers.get('x-request-id'));
          return response.status === 200 ? (await json<JobBody>(response)).state : response.status;
        }),
      );
    };
    for (const [state, sequence] of [
      ['PENDING', 1],
      ['STARTED', 2],
      ['PROGRESS', 3],
    ] as const) {
      // Each round starts after the view was written: every answer has that state, none an older one.
      await gateway.view.apply(at(state, sequence));
      assert.deepEqual(
        await readAll(),
        Array.from({ length: 30 }, (_, i) => (i % 3 === 2 ? 404 : state)),
      );
    }
  });

  await t.test("a job continues the caller's trace (traceparent) through the gateway to the worker", async () => {
    // The gateway's process registers the W3C propagator with its SDK; so does this test.
    const telemetry = startTelemetry({
      serviceName: uniqueName('sedano-test-gateway'),
      otlpEndpoint: endpoints().otlpEndpoint,
    });
    t.after(() => telemetry.shutdown());
    const callerTrace = randomUUID().replaceAll('-', '');
    const response = await gateway.call('POST', '/v1/jobs', {
      json: { stage: 'noop', payload: { sleepMs: 10 } },
      headers: { traceparent: `00-${callerTrace}-${'1'.repeat(16)}-01` },
    });
    const { jobId } = await json<{ jobId: string }>(response);
    const job = await jobUntil(gateway, jobId, ['SUCCESS']);
    assert.equal(job['traceId'], callerTrace, 'the status view shows the caller trace');
    const events = await gateway.sandbox.events(jobId);
    assert.ok(events.length >= 2 && events.every((event) => event.traceId === callerTrace), 'every status event too');
  });

  await t.test('a submission carries an estimate once the stage has live workers and timed successes', async () => {
    const response = await gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload: { sleepMs: 10 } } });
    const { estimate } = await json<{ estimate: Record<string, number> | null }>(response);
    assert.ok(estimate, 'an estimate: the sandbox worker is alive and earlier jobs succeeded');
    assert.equal(estimate['slots'], 8, 'the sandbox worker has 8 job slots');
    assert.ok(estimate['meanRunMs']! > 0);
    assert.equal(estimate['endsInMs'], estimate['startsInMs']! + estimate['meanRunMs']!);
  });

  await t.test(
    "an expiring job (Celery's expires): held past its expiry by a paused stage, it ends REVOKED expired without starting",
    async () => {
      const pause = await gateway.call('POST', '/v1/stages/noop/pause', { json: { reason: 'expiry test' } });
      assert.equal(pause.status, 202);
      const before = Date.now();
      const expiring = await json<{ jobId: string; expiresAt: number }>(
        await gateway.call('POST', '/v1/jobs', { json: { ...validNoopJob, expiresInMs: 1_000 } }),
      );
      assert.ok(
        expiring.expiresAt >= before + 1_000 && expiring.expiresAt <= Date.now() + 1_000,
        'the reply echoes it',
      );
      const lasting = await json<{ jobId: string; expiresAt: number }>(
        await gateway.call('POST', '/v1/jobs', { json: { ...validNoopJob, expiresAt: Date.now() + 3_600_000 } }),
      );
      await waitFor(() => Date.now() > expiring.expiresAt, { description: 'the expiry passed' });
      assert.equal((await gateway.call('POST', '/v1/stages/noop/resume')).status, 202);
      const expired = await jobUntil(gateway, expiring.jobId, ['REVOKED', 'SUCCESS', 'FAILURE']);
      assert.equal(expired.state, 'REVOKED');
      assert.equal((expired['error'] as { code: string }).code, 'SEDANO_ERR_JOB_EXPIRED');
      assert.equal(expired['startedAt'], null, 'the view shows no start');
      const states = (await gateway.sandbox.events(expiring.jobId)).map((event) => event.state);
      assert.ok(!states.includes('STARTED'), `never started: ${states.join(', ')}`);
      const lastingView = await jobUntil(gateway, lasting.jobId, ['SUCCESS', 'FAILURE', 'REVOKED']);
      assert.equal(lastingView.state, 'SUCCESS');
      assert.equal(lastingView['expiresAt'], lasting.expiresAt, 'the view shows its expiry');
      assert.equal(expired['expiresAt'], expiring.expiresAt);

      // Both fields, or an expiry not after the countdown's end: refused, naming the field.
      for (const [refused, path] of [
        [{ expiresInMs: 1_000, expiresAt: Date.now() + 1_000 }, '/expiresAt'],
        [{ countdownMs: 5_000, expiresInMs: 2_000 }, '/expiresInMs'],
        [{ expiresAt: Date.now() - 1 }, '/expiresAt'],
      ] as const) {
        const response = await gateway.call('POST', '/v1/jobs', { json: { ...validNoopJob, ...refused } });
        assert.equal(response.status, 400, JSON.stringify(refused));
        const { error } = await json<{ error: { code: string; details: { path: string }[] } }>(response);
        assert.equal(error.code, 'SEDANO_ERR_JOB_INVALID_REQUEST');
        assert.deepEqual(
          error.details.map((detail) => detail.path),
          [path],
        );
      }
    },
  );

  await t.test('stages: group members, lag, workers; pause and resume', async () => {
    const stages = await json<{
      stages: { stage: string; group: { members: unknown[] }; lag: Record<string, number>; paused: boolean }[];
    }>(await gateway.call('GET', '/v1/stages', { token: 'reader' }));
    assert.deepEqual(
      stages.stages.map((stage) => stage.stage),
      ['indexing', 'analysis', 'training', 'export', 'noop'],
    );
    const noop = stages.stages.find((stage) => stage.stage === 'noop')!;
    assert.ok(noop.group.members.length >= 1, 'the sandbox worker is a member of the noop group');
    assert.deepEqual(Object.keys(noop.lag), ['high', 'normal', 'low']);
    const pause = await gateway.call('POST', '/v1/stages/noop/pause', { json: { reason: 'test' } });
    assert.equal(pause.status, 202);
    const paused = await json<{ stages: { stage: string; lastPauseCommand: { paused: boolean } | null }[] }>(
      await gateway.call('GET', '/v1/stages'),
    );
    assert.equal(paused.stages.find((stage) => stage.stage === 'noop')!.lastPauseCommand?.paused, true);
    // While paused, a job waits; it runs once the stage is resumed.
    const jobId = await submitNoop(gateway, {});
    assert.equal((await gateway.call('POST', '/v1/stages/noop/resume')).status, 202);
    await jobUntil(gateway, jobId, ['SUCCESS']);
  });

  await t.test("a stage's rate limit: set for its workers, shown, given back with null", async () => {
    type Limits = { stage: string; rateLimitPerSecond: number | null; rateLimitOverride: { perSecond: number } | null };
    const noopLimits = async () =>
      (await json<{ stages: Limits[] }>(await gateway.call('GET', '/v1/stages'))).stages.find(
        (stage) => stage.stage === 'noop',
      )!;
    const set = await gateway.call('PUT', '/v1/stages/noop/rate-limit', { json: { perSecond: 7.5 } });
    assert.equal(set.status, 200);
    const reply = await json<{ stage: string; rateLimitOverride: { perSecond: number; by: string } }>(set);
    assert.deepEqual(
      [reply.stage, reply.rateLimitOverride.perSecond, reply.rateLimitOverride.by],
      ['noop', 7.5, 'test-admin'],
    );
    // The sandbox's worker declares no limit: it takes the operator's at its next presence interval.
    await waitFor(
      async () => {
        const limits = await noopLimits();
        return limits.rateLimitPerSecond === 7.5 && limits.rateLimitOverride?.perSecond === 7.5;
      },
      { description: "the worker applies the operator's limit" },
    );
    const jobId = await submitNoop(gateway, {});
    await jobUntil(gateway, jobId, ['SUCCESS']);

    for (const refused of [{ perSecond: 0 }, { perSecond: -1 }, { perSecond: '5' }, {}]) {
      const response = await gateway.call('PUT', '/v1/stages/noop/rate-limit', { json: refused });
      assert.equal(response.status, 400, JSON.stringify(refused));
    }
    const cleared = await gateway.call('PUT', '/v1/stages/noop/rate-limit', { json: { perSecond: null } });
    assert.equal(cleared.status, 200);
    assert.equal((await json<{ rateLimitOverride: null }>(cleared)).rateLimitOverride, null);
    await waitFor(
      async () => {
        const limits = await noopLimits();
        return limits.rateLimitPerSecond === null && limits.rateLimitOverride === null;
      },
      { description: "the worker is back on the stage's own limit (none)" },
    );
  });

  await t.test(
    "a stage's concurrency: its workers run one job at a time, never more than their own, and theirs again with null",
    async () => {
      type Stage = {
        stage: string;
        concurrency: number;
        concurrencyOverride: { perWorker: number; by: string } | null;
        workers: { concurrency: number; ownConcurrency: number }[];
      };
      const noop = async () =>
        (await json<{ stages: Stage[] }>(await gateway.call('GET', '/v1/stages'))).stages.find(
          (stage) => stage.stage === 'noop',
        )!;
      const own = (await noop()).workers[0]!.ownConcurrency;
      assert.ok(own > 1, `the sandbox worker runs ${own} jobs at once`);
      const set = await gateway.call('PUT', '/v1/stages/noop/concurrency', { json: { perWorker: 1 } });
      assert.equal(set.status, 200);
      const reply = await json<{ stage: string; concurrencyOverride: { perWorker: number; by: string } }>(set);
      assert.deepEqual(
        [reply.stage, reply.concurrencyOverride.perWorker, reply.concurrencyOverride.by],
        ['noop', 1, 'test-admin'],
      );
      await waitFor(
        async () => {
          const stage = await noop();
          return stage.concurrency === 1 && stage.concurrencyOverride?.perWorker === 1;
        },
        { description: 'the worker runs one job at a time' },
      );
      // Three jobs of 500 ms on different keys: one at a time, each starts once the one before has run.
      const sleepMs = 500;
      const jobIds = [];
      for (let i = 0; i < 3; i += 1) jobIds.push(await submitNoop(gateway, { sleepMs }));
      const jobs = await Promise.all(jobIds.map((jobId) => jobUntil(gateway, jobId, ['SUCCESS'])));
      const starts = jobs.map((job) => job['startedAt'] as number).sort((a, b) => a - b);
      for (let i = 1; i < starts.length; i += 1) {
        assert.ok(
          starts[i]! - starts[i - 1]! >= sleepMs - 5,
          `job ${i + 1} started ${starts[i]! - starts[i - 1]!} ms after the one before`,
        );
      }

      for (const refused of [{ perWorker: 0 }, { perWorker: 1.5 }, { perWorker: '2' }, {}]) {
        const response = await gateway.call('PUT', '/v1/stages/noop/concurrency', { json: refused });
        assert.equal(response.status, 400, JSON.stringify(refused));
      }
      assert.equal(
        (await gateway.call('PUT', '/v1/stages/noop/concurrency', { json: { perWorker: 10_000 } })).status,
        200,
      );
      await waitFor(async () => (await noop()).concurrency === own, {
        description: 'a record above its own concurrency gives the worker its own, no more',
      });
      const cleared = await gateway.call('PUT', '/v1/stages/noop/concurrency', { json: { perWorker: null } });
      assert.equal(cleared.status, 200);
      assert.equal((await json<{ concurrencyOverride: null }>(cleared)).concurrencyOverride, null);
      const stage = await noop();
      assert.deepEqual([stage.concurrency, stage.concurrencyOverride], [own, null]);
    },
  );

  await t.test("a PING's answers are listed; a PING never sent is a 404, not an empty list", async () => {
    const sent = await gateway.call('POST', '/v1/workers/ping', { json: { stage: 'noop' } });
    assert.equal(sent.status, 202);
    const { answersUrl } = await json<{ answersUrl: string }>(sent);
    const answers = await waitFor(
      async () => {
        const found = await json<{ answers: { workerId: string }[] }>(await gateway.call('GET', answersUrl));
        return found.answers.length > 0 && found.answers;
      },
      { description: 'the sandbox worker answered' },
    );
    assert.ok(answers.every((answer) => answer.workerId.length > 0));
    const unknown = await gateway.call('GET', `/v1/workers/pings/${randomUUID()}`);
    assert.equal(unknown.status, 404);
    assert.equal((await json<{ error: { code: string } }>(unknown)).error.code, 'SEDANO_ERR_API_NOT_FOUND');
  });

  await t.test('dead letters: listed; replayed once as a new job; poison refused', async () => {
    const original = await gateway.sandbox.submit({ sleepMs: 0, failureRate: 0, payload: 'again' });
    const laneTopic = gateway.topics.stages.noop.lanes.normal;
    const value = await gateway.sandbox.codec.encode(
      { subject: `${laneTopic}-value`, contract: noopRequestContract, compatibility: 'FULL_TRANSITIVE' },
      original,
    );
    const base: DeadLetterRecord = {
      sourceTopic: laneTopic,
      sourcePartition: 0,
      sourceOffset: 7,
      consumerGroup: gateway.topics.stages.noop.groupId,
      originalKey: Buffer.from(original.header.jobId),
      originalValue: value,
      originalHeaders: [],
      reason: 'attempts exhausted',
      errorCode: 'SEDANO_ERR_JOB_ATTEMPTS_EXHAUSTED',
      failedAt: Date.now(),
      attempts: 3,
      jobId: original.header.jobId,
    };
    await gateway.deadLetter(base);
    await gateway.deadLetter({
      ...base,
      sourceOffset: 8,
      originalValue: Buffer.from('not avro'),
      reason: 'not framed',
      errorCode: 'SEDANO_ERR_CODEC_NOT_FRAMED',
      failedAt: Date.now() + 1,
      attempts: 0,
      jobId: null,
    });
    const listed = await waitFor(
      async () => {
        const page = await json<{ deadLetters: { id: string; jobId: string | null; errorCode: string }[] }>(
          await gateway.call('GET', '/v1/dead-letters?limit=10'),
        );
        return page.deadLetters.length === 2 && page.deadLetters;
      },
      { description: 'both dead letters indexed' },
    );
    assert.equal(listed[0]!.errorCode, 'SEDANO_ERR_CODEC_NOT_FRAMED', 'newest first');
    const [poison, exhausted] = listed;
    const replay = await gateway.call('POST', `/v1/dead-letters/${exhausted!.id}/replay`);
    assert.equal(replay.status, 202, await replay.clone().text());
    const replayed = await json<{ jobId: string; parentJobId: string }>(replay);
    assert.notEqual(replayed.jobId, original.header.jobId);
    assert.equal(replayed.parentJobId, original.header.jobId);
    const job = await jobUntil(gateway, replayed.jobId, ['SUCCESS']);
    assert.equal((job['result'] as { payload: string }).payload, 'again');
    assert.equal(job['parentJobId'], original.header.jobId, "the replay's view names the job it was made from");
    const again = await gateway.call('POST', `/v1/dead-letters/${exhausted!.id}/replay`);
    assert.equal(again.status, 409);
    const againBody = await json<{ error: { code: string; message: string } }>(again);
    assert.equal(againBody.error.code, 'SEDANO_ERR_API_CONFLICT');
    assert.match(againBody.error.message, new RegExp(replayed.jobId));
    const refused = await gateway.call('POST', `/v1/dead-letters/${poison!.id}/replay`);
    assert.equal(refused.status, 409);
    assert.equal((await json<{ error: { code: string } }>(refused)).error.code, 'SEDANO_ERR_API_REPLAY_UNDECODABLE');
  });

  await t.test('health, readiness, metrics and the OpenAPI description', async () => {
    assert.equal((await gateway.call('GET', '/healthz', { token: null })).status, 200);
    const ready = await gateway.call('GET', '/readyz', { token: null });
    assert.equal(ready.status, 200, await ready.clone().text());
    const metrics = await gateway.call('GET', '/metrics', { token: 'reader' });
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.match(text, /^sedano_jobs\{stage="noop",state="SUCCESS"\} [1-9]\d*$/m);
    assert.match(text, /^sedano_jobs_submitted_total\{stage="noop"\} [1-9]\d*$/m);
    assert.match(text, /^sedano_stage_lag\{stage="noop",lane="normal"\} \d+$/m);
    assert.match(text, /^sedano_dead_letters 2$/m);
    assert.match(text, /^sedano_jobs_in_flight\{stage="noop"\} \d+$/m);
    const docs = await json<{ openapi: string; paths: Record<string, unknown> }>(
      await gateway.call('GET', '/docs/json', { token: 'reader' }),
    );
    assert.equal(docs.openapi, '3.1.0');
    for (const path of [
      '/v1/jobs',
      '/v1/jobs/{id}',
      '/v1/jobs/{id}/events',
      '/v1/batches',
      '/v1/stages',
      '/v1/dead-letters',
    ]) {
      assert.ok(path in docs.paths, `${path} is described`);
    }
  });

  await t.test(
    'semantic validation happens too late no more: 400 with the path at submission, the same code in the worker',
    async () => {
      const document = { uri: 'a.pdf' };
      const bad: [Record<string, unknown>, string][] = [
        [{ stage: 'noop', payload: { sleepMs: -1 } }, '/payload/sleepMs'],
        [{ stage: 'noop', payload: { failureRate: 2 } }, '/payload/failureRate'],
        [{ stage: 'noop', payload: {}, retryPolicy: { maxAttempts: -1 } }, '/retryPolicy/maxAttempts'],
        [
          { stage: 'indexing', payload: { collection: 'c', documents: [document], chunkSize: 0 } },
          '/payload/chunkSize',
        ],
        [
          { stage: 'indexing', payload: { collection: 'c', documents: [document], chunkSize: -1 } },
          '/payload/chunkSize',
        ],
        [
          { stage: 'indexing', payload: { collection: 'c', documents: [document], chunkSize: 100, chunkOverlap: 200 } },
          '/payload/chunkOverlap',
        ],
        [{ stage: 'indexing', payload: { collection: '../etc', documents: [document] } }, '/payload/collection'],
        [{ stage: 'indexing', payload: { collection: 'c', documents: [] } }, '/payload/documents'],
        [{ stage: 'analysis', payload: { analysisType: 'FINANCIAL' } }, '/payload/documents'],
      ];
      for (const [body, path] of bad) {
        const response = await gateway.call('POST', '/v1/jobs', { json: body });
        const answer = await json<{ error: { code: string; details: { path: string }[] } }>(response);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(answer.error.code, 'SEDANO_ERR_JOB_INVALID_REQUEST', JSON.stringify(body));
        assert.deepEqual(
          answer.error.details.map((detail) => detail.path),
          [path],
          JSON.stringify(body),
        );
      }
      const batch = await gateway.call('POST', '/v1/batches', {
        json: { jobs: [validNoopJob, { stage: 'noop', payload: { sleepMs: -1 } }] },
      });
      assert.equal(batch.status, 400);
      const batchAnswer = await json<{ error: { details: { path: string }[] } }>(batch);
      assert.deepEqual(
        batchAnswer.error.details.map((detail) => detail.path),
        ['/jobs/1/payload/sleepMs'],
      );
      // Straight to Kafka, past the gateway: the worker refuses it at once with the same code.
      for (const [fields, header] of [
        [{ sleepMs: -1 }, {}],
        [{ failureRate: 2 }, {}],
        [{}, { retryPolicy: { maxAttempts: -1, initialBackoffMs: null, maxBackoffMs: null, backoffMultiplier: null } }],
      ] as const) {
        const job = await gateway.sandbox.submit(fields, undefined, 1, header);
        const failed = await jobUntil(gateway, job.header.jobId, ['FAILURE', 'SUCCESS']);
        const error = failed['error'] as { code: string; retriable: boolean } | null;
        assert.equal(failed.state, 'FAILURE', JSON.stringify(fields));
        assert.equal(error?.code, 'SEDANO_ERR_JOB_INVALID_REQUEST');
        assert.equal(error.retriable, false);
        assert.equal(failed['attempt'], 1, 'not retried');
      }
    },
  );
});

// Was: the dashboard counted jobs per minute from the newest 200 jobs of each state, so it never showed more than 200.
test('GET /v1/jobs/counts counts the jobs per state that changed in a window, of a stage or of all', async (t) => {
  const gateway = await startGateway(t);
  const now = Date.now();
  const event = (stage: 'NOOP' | 'EXPORT', state: 'PENDING' | 'SUCCESS' | 'FAILURE', agoMs: number) => ({
    ...jobStatusEventSample,
    jobId: randomUUID(),
    jobType: stage === 'NOOP' ? ('NOOP' as const) : ('EXPORT_REPORT' as const),
    stage,
    state,
    sequence: 1,
    progress: null,
    result: null,
    error: null,
    batchId: null,
    occurredAt: now - agoMs,
    finishedAt: state === 'PENDING' ? null : now - agoMs,
  });
  await gateway.view.applyBatch([
    ...Array.from({ length: 250 }, () => event('NOOP', 'SUCCESS', 1_000)),
    ...Array.from({ length: 3 }, () => event('NOOP', 'FAILURE', 2_000)),
    ...Array.from({ length: 2 }, () => event('NOOP', 'PENDING', 3_000)),
    // Older than a minute, and another stage's.
    ...Array.from({ length: 5 }, () => event('NOOP', 'SUCCESS', 300_000)),
    ...Array.from({ length: 4 }, () => event('EXPORT', 'SUCCESS', 1_000)),
  ]);
  const counts = async (query: string) => {
    const response = await gateway.call('GET', `/v1/jobs/counts${query}`, { token: 'reader' });
    assert.equal(response.status, 200, await response.clone().text());
    return json<{
      stage: string | null;
      sinceMs: number;
      since: number;
      counts: Record<string, number>;
      truncated: boolean;
    }>(response);
  };
  const noop = await counts('?stage=noop&sinceMs=60000');
  assert.deepEqual(noop.counts, {
    PENDING: 2,
    STARTED: 0,
    PROGRESS: 0,
    RETRY: 0,
    SUCCESS: 250,
    FAILURE: 3,
    REVOKED: 0,
  });
  assert.equal(noop.stage, 'noop');
  assert.equal(noop.truncated, false);
  assert.ok(Math.abs(noop.since - (now - 60_000)) < 30_000, 'the window ends now');
  const all = await counts('');
  assert.equal(all.sinceMs, 60_000, 'one minute unless told');
  assert.equal(all.stage, null);
  assert.equal(all.counts['SUCCESS'], 254, 'every stage');
  assert.equal((await counts('?stage=noop&sinceMs=600000')).counts['SUCCESS'], 255, 'ten minutes');
  assert.equal((await counts('?stage=training')).counts['SUCCESS'], 0, 'a stage without jobs');
  const refused = await gateway.call('GET', '/v1/jobs/counts?sinceMs=0', { token: 'reader' });
  assert.equal(refused.status, 400);
  const body = await json<{ error: { code: string; details: { in: string; path: string }[] } }>(refused);
  assert.equal(body.error.code, 'SEDANO_ERR_API_VALIDATION');
  assert.deepEqual(
    body.error.details.map((detail) => [detail.in, detail.path]),
    [['querystring', '/sinceMs']],
  );

  // A stage's count reads its jobs of the window, the newest MAX_STAGE_COUNT of them at most.
  await gateway.view.applyBatch(Array.from({ length: MAX_STAGE_COUNT }, () => event('NOOP', 'SUCCESS', 500)));
  const bounded = await counts('?stage=noop');
  assert.deepEqual(
    [bounded.counts['SUCCESS'], bounded.counts['FAILURE'], bounded.truncated],
    [MAX_STAGE_COUNT, 0, true],
  );
  assert.equal((await counts('')).counts['SUCCESS'], 254 + MAX_STAGE_COUNT, 'every stage: counted whole');
});

test('closing the gateway ends the open event streams instead of waiting for their jobs', async (t) => {
  const gateway = await startGateway(t, { worker: true });
  const jobId = await submitNoop(gateway, { sleepMs: 60_000 });
  await jobUntil(gateway, jobId, ['STARTED', 'PROGRESS']);
  const stream = await gateway.call('GET', `/v1/jobs/${jobId}/events`, { token: 'reader' });
  assert.equal(stream.status, 200);
  const events = readEvents(stream);
  // Before the fix the close waited for the stream, which waited for the job (60 s).
  await gateway.close();
  const received = await events;
  assert.ok(received.length >= 1, 'the stream sent the job before it ended');
  assert.ok(
    received.every((event) => !['SUCCESS', 'FAILURE'].includes((event.data as JobBody).state)),
    'it ended with the server, not with the job',
  );
  // Revoked, so the worker need not wait out its shutdown grace for the sleeping job.
  await gateway.sandbox.command({ command: 'REVOKE', jobId });
  await waitFor(async () => (await gateway.sandbox.ledger.terminalState(jobId)) === 'REVOKED', {
    description: 'the job revoked',
  });
});

test('an event stream still waiting for its job when the gateway begins to close ends once the job appears', async (t) => {
  const gateway = await startGateway(t, { worker: true });
  const jobId = newJobId();
  const stream = gateway.call('GET', `/v1/jobs/${jobId}/events`, { token: 'reader' });
  await waitFor(() => gateway.received.includes(`/v1/jobs/${jobId}/events`), {
    description: 'the stream request received',
  });
  const closed = gateway.close();
  // The job appears (within the stream's 5 s wait) while the server is closing.
  await gateway.sandbox.submit({ sleepMs: 60_000 }, jobId);
  const response = await stream;
  assert.equal(response.status, 200);
  const events = await readEvents(response);
  await closed;
  assert.equal(events.length, 1, 'only the job as it was when the stream opened');
  await gateway.sandbox.command({ command: 'REVOKE', jobId });
  await waitFor(async () => (await gateway.sandbox.ledger.terminalState(jobId)) === 'REVOKED', {
    description: 'the job revoked',
  });
});
