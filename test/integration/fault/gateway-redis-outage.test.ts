/**
 * Redis stops while the gateway serves: a read answers 503 `SEDANO_ERR_API_UNAVAILABLE` within
 * the gateway's Redis timeout (SEDANO_GATEWAY_REDIS_TIMEOUT_MS) rather than once ioredis gives
 * up reconnecting (10-42 s, measured against the system from `npm start` before the timeout),
 * a submission is still accepted (it needs Kafka only), `/readyz` says Redis is down, and the
 * reads answer again once Redis is back. Redis can only be stopped when it is the local stack's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { externalComponents } from '../../../services/lib/endpoints.ts';
import { stackDown, stackUp } from '../../../scripts/local-stack/stack.ts';
import { waitFor } from '../../support/wait.ts';
import { startGateway } from '../services/gateway/gateway-harness.ts';

const REDIS_TIMEOUT_MS = 500;
/** Far above the timeout, far below ioredis's own give-up (20 reconnections, over 10 s). */
const ANSWERED_WITHIN_MS = 5_000;
const localRedis = !externalComponents(process.env).has('redis');

/** A request's status, error code and how long it took. */
async function timed(request: Promise<Response>) {
  const started = performance.now();
  const response = await request;
  const body = (await response.json()) as { error?: { code: string }; estimate?: unknown };
  return { status: response.status, code: body.error?.code, body, ms: Math.round(performance.now() - started) };
}

test(
  'while Redis is away the gateway answers at once: 503 for a read, 202 for a submission',
  {
    timeout: 120_000,
    skip: localRedis ? false : 'REDIS_URL points at a Redis this test cannot stop',
  },
  async (t) => {
    const gateway = await startGateway(t, { redisTimeoutMs: REDIS_TIMEOUT_MS });
    const submit = () => gateway.call('POST', '/v1/jobs', { json: { stage: 'noop', payload: { sleepMs: 0 } } });
    const before = await timed(submit());
    assert.equal(before.status, 202);
    const { jobId } = before.body as unknown as { jobId: string };
    await waitFor(async () => (await gateway.call('GET', `/v1/jobs/${jobId}`)).status === 200, {
      description: 'the job in the view',
    });

    await stackDown({ only: ['redis'], log: () => {} });
    try {
      const read = await timed(gateway.call('GET', `/v1/jobs/${jobId}`));
      t.diagnostic(`with Redis away: GET answered ${read.status} in ${read.ms} ms`);
      assert.deepEqual([read.status, read.code], [503, 'SEDANO_ERR_API_UNAVAILABLE']);
      assert.ok(read.ms < ANSWERED_WITHIN_MS, `GET answered in ${read.ms} ms`);

      const submitted = await timed(submit());
      t.diagnostic(
        `POST answered ${submitted.status} in ${submitted.ms} ms, estimate ${JSON.stringify(submitted.body.estimate)}`,
      );
      assert.equal(submitted.status, 202, 'a submission needs Kafka only');
      assert.ok(submitted.ms < ANSWERED_WITHIN_MS, `POST answered in ${submitted.ms} ms`);

      const ready = await gateway.call('GET', '/readyz', { token: null });
      const checks = ((await ready.json()) as { checks: { redis: { ok: boolean } } }).checks;
      assert.deepEqual([ready.status, checks.redis.ok], [503, false]);
    } finally {
      await stackUp({ log: () => {} });
    }
    await waitFor(async () => (await gateway.call('GET', `/v1/jobs/${jobId}`)).status === 200, {
      description: 'reads answered again once Redis is back',
    });
  },
);
