/**
 * The schema registry hangs (SIGSTOP) under the gateway. A submission to a subject whose schema
 * id the gateway knows needs no registry and is accepted at once; one to a subject it has not
 * registered yet answers 503 within SEDANO_GATEWAY_REGISTRY_TIMEOUT_MS, and the same submission
 * retried once the registry answers is accepted. Before the deadline (deadlines.ts) that 503
 * came after 82 s, measured against the system from `npm start`. A gateway that learned the ids
 * of the subjects it writes at start (main.ts) knows every lane's, so none answers 503.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { faultTestOptions, freezeComponent } from '../../support/stack-faults.ts';
import { waitFor } from '../../support/wait.ts';
import { type GatewayHarness, startGateway } from '../services/gateway/gateway-harness.ts';

const REGISTRY_TIMEOUT_MS = 1_000;
/** Far below the registry client's own give-up (seven 10 s timeouts), far above the deadline. */
const ANSWERED_WITHIN_MS = 5_000;

type Priority = 'HIGH' | 'NORMAL' | 'LOW';

/** Submits a noop job in the lane of `priority`. */
function submitter(gateway: GatewayHarness) {
  return (priority: Priority, headers: Record<string, string> = {}) =>
    gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload: { sleepMs: 0 }, priority }, headers });
}

test(
  'while the registry hangs the gateway accepts jobs of known subjects, and answers 503 in time for a new one',
  faultTestOptions('schema-registry', 120_000),
  async (t) => {
    const gateway = await startGateway(t, { registryTimeoutMs: REGISTRY_TIMEOUT_MS });
    const submit = submitter(gateway);
    // The NORMAL lane's subject (and PENDING's) become known; the HIGH lane's stays unknown.
    assert.equal((await submit('NORMAL')).status, 202, 'a submission before the freeze');

    const thaw = await freezeComponent(t, 'schema-registry');
    const key = `registry-freeze-${randomUUID()}`;
    let known: { status: number; ms: number };
    let unknown: { status: number; code?: string; ms: number };
    try {
      let started = performance.now();
      known = { status: (await submit('NORMAL')).status, ms: Math.round(performance.now() - started) };
      started = performance.now();
      const response = await submit('HIGH', { 'idempotency-key': key });
      const body = (await response.json()) as { error?: { code: string; message: string } };
      unknown = { status: response.status, code: body.error?.code, ms: Math.round(performance.now() - started) };
      t.diagnostic(
        `registry frozen: a known subject ${known.status} in ${known.ms} ms; a new one ${unknown.status} in ${unknown.ms} ms: ${body.error?.message}`,
      );
    } finally {
      thaw();
    }
    assert.equal(known.status, 202);
    assert.ok(known.ms < ANSWERED_WITHIN_MS, `the known subject's submission answered in ${known.ms} ms`);
    assert.deepEqual([unknown.status, unknown.code], [503, 'SEDANO_ERR_API_UNAVAILABLE']);
    assert.ok(unknown.ms < ANSWERED_WITHIN_MS, `the new subject's submission answered in ${unknown.ms} ms`);

    const retried = await waitFor(
      async () => {
        const response = await submit('HIGH', { 'idempotency-key': key });
        return response.status === 202 && ((await response.json()) as { jobId: string });
      },
      { description: 'the retried submission accepted once the registry answers', timeoutMs: 60_000 },
    );
    await waitFor(async () => (await gateway.call('GET', `/v1/jobs/${retried.jobId}`)).status === 200, {
      description: 'the job in the view',
      timeoutMs: 60_000,
    });
  },
);

test(
  'a gateway that learned its subjects at start accepts jobs in every lane while the registry hangs, none written before',
  faultTestOptions('schema-registry', 120_000),
  async (t) => {
    const gateway = await startGateway(t, { registryTimeoutMs: REGISTRY_TIMEOUT_MS, learnWrites: true });
    const submit = submitter(gateway);
    const thaw = await freezeComponent(t, 'schema-registry');
    const answers: { priority: Priority; status: number; ms: number; jobId?: string }[] = [];
    try {
      for (const priority of ['HIGH', 'NORMAL', 'LOW'] as const) {
        const started = performance.now();
        const response = await submit(priority);
        const body = (await response.json()) as { jobId?: string };
        answers.push({ priority, status: response.status, ms: Math.round(performance.now() - started), ...body });
      }
    } finally {
      thaw();
    }
    t.diagnostic(
      `registry frozen: ${answers.map((answer) => `${answer.priority} ${answer.status} in ${answer.ms} ms`).join(', ')}`,
    );
    assert.deepEqual(
      answers.map((answer) => [answer.priority, answer.status]),
      [
        ['HIGH', 202],
        ['NORMAL', 202],
        ['LOW', 202],
      ],
    );
    for (const { jobId } of answers) {
      await waitFor(async () => (await gateway.call('GET', `/v1/jobs/${jobId}`)).status === 200, {
        description: `job ${jobId} in the view`,
        timeoutMs: 60_000,
      });
    }
  },
);
