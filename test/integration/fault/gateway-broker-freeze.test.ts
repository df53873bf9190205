/**
 * The broker hangs (SIGSTOP) while the gateway serves: a submission, and a read that needs the
 * broker (`GET /v1/stages`), answer 503 `SEDANO_ERR_API_UNAVAILABLE` within the gateway's Kafka
 * timeout (SEDANO_GATEWAY_KAFKA_TIMEOUT_MS) rather than once the broker answers again or kafkajs
 * gives up (20.2 s for a 20 s freeze, and 30 s, measured against the system from `npm start`
 * before the timeout). Once the broker is back, the submission retried with its Idempotency-Key
 * is accepted as the same job, and the job reaches the view. The broker can only be frozen when
 * it is the local stack's.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { faultTestOptions, freezeComponent } from '../../support/stack-faults.ts';
import { waitFor } from '../../support/wait.ts';
import { startGateway } from '../services/gateway/gateway-harness.ts';

const KAFKA_TIMEOUT_MS = 1_000;
/** Far above the timeout, far below kafkajs's own give-up on a request (30 s). */
const ANSWERED_WITHIN_MS = 5_000;
/** How long the broker stays frozen at most. */
const FREEZE_MS = 10_000;

test(
  'while the broker hangs the gateway answers a submission and a stage read 503 in time; the retry is the same job',
  faultTestOptions('kafka', 120_000),
  async (t) => {
    const gateway = await startGateway(t, { kafkaTimeoutMs: KAFKA_TIMEOUT_MS });
    const key = `freeze-${randomUUID()}`;
    const submit = (headers: Record<string, string> = {}) =>
      gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload: { sleepMs: 0 } }, headers });
    assert.equal((await submit()).status, 202, 'a submission before the freeze');

    const thaw = await freezeComponent(t, 'kafka');
    // The fault's longest shape, not a wait for a condition: a gateway without the timeout answers once it ends.
    const thawLater = setTimeout(thaw, FREEZE_MS);
    let frozen: { status: number; code?: string; ms: number };
    let stagesRead: typeof frozen;
    try {
      const started = performance.now();
      const response = await submit({ 'idempotency-key': key });
      const body = (await response.json()) as { error?: { code: string; message: string } };
      frozen = { status: response.status, code: body.error?.code, ms: Math.round(performance.now() - started) };
      t.diagnostic(`with the broker frozen: POST answered ${frozen.status} in ${frozen.ms} ms: ${body.error?.message}`);
      // A read that needs the broker (the stage's lag) is bounded the same way.
      const readStarted = performance.now();
      const stages = await gateway.call('GET', '/v1/stages');
      const stagesBody = (await stages.json()) as { error?: { code: string } };
      stagesRead = {
        status: stages.status,
        code: stagesBody.error?.code,
        ms: Math.round(performance.now() - readStarted),
      };
      t.diagnostic(`GET /v1/stages answered ${stagesRead.status} in ${stagesRead.ms} ms`);
    } finally {
      clearTimeout(thawLater);
      thaw();
    }
    assert.deepEqual([frozen.status, frozen.code], [503, 'SEDANO_ERR_API_UNAVAILABLE']);
    assert.ok(frozen.ms < ANSWERED_WITHIN_MS, `POST answered in ${frozen.ms} ms`);
    assert.deepEqual([stagesRead.status, stagesRead.code], [503, 'SEDANO_ERR_API_UNAVAILABLE']);
    assert.ok(stagesRead.ms < ANSWERED_WITHIN_MS, `GET /v1/stages answered in ${stagesRead.ms} ms`);

    const retried = await waitFor(
      async () => {
        const response = await submit({ 'idempotency-key': key });
        return response.status === 202 && ((await response.json()) as { jobId: string; created: boolean });
      },
      { description: 'the retried submission accepted once the broker is back', timeoutMs: 60_000 },
    );
    const again = (await (await submit({ 'idempotency-key': key })).json()) as { jobId: string; created: boolean };
    assert.deepEqual(again, { ...again, jobId: retried.jobId, created: false }, 'the key names one job');
    await waitFor(async () => (await gateway.call('GET', `/v1/jobs/${retried.jobId}`)).status === 200, {
      description: 'the job in the view',
      timeoutMs: 60_000,
    });
  },
);
