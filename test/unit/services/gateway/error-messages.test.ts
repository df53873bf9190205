/**
 * The messages of the 4xx answers fastify raises itself, through the app with inert
 * collaborators (no request reaches a handler): they say the limit or the media type the client
 * should use, and never echo a long path back in full.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildGatewayApp, type GatewayDependencies } from '../../../../services/gateway/app.ts';
import * as gatewayErrors from '../../../../services/gateway/errors.ts';
import { inertDependencies } from './inert-dependencies.ts';

const TOKEN = 'a-token-of-the-test-0001';

async function inertApp(t: TestContext, extra: Partial<GatewayDependencies> = {}) {
  const app = await buildGatewayApp({
    ...inertDependencies('test-messages', [{ token: TOKEN, scopes: ['submit', 'read', 'admin'], name: 'tester' }]),
    ...extra,
  });
  t.after(() => app.close());
  return app;
}

interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown[] };
}

function errorOf(response: { statusCode: number; body: string }, status: number): ErrorBody['error'] {
  assert.equal(response.statusCode, status, response.body);
  const body = JSON.parse(response.body) as ErrorBody;
  assert.deepEqual(Object.keys(body), ['error']);
  assert.ok(body.error.requestId.length > 0);
  return body.error;
}

test('413 says the body limit, as the gateway is configured', async (t) => {
  const app = await inertApp(t);
  const response = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ stage: 'noop', payload: { payload: 'x'.repeat(1_100_000) } }),
  });
  const error = errorOf(response, 413);
  assert.equal(error.code, 'SEDANO_ERR_API_PAYLOAD_TOO_LARGE');
  assert.equal(
    error.message,
    'the request body is larger than the gateway accepts (1 MiB, 1048576 bytes); large content travels by reference',
  );
  const small = await inertApp(t, { bodyLimitBytes: 1_500 });
  const refused = await small.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ stage: 'noop', payload: { payload: 'x'.repeat(2_000) } }),
  });
  assert.match(errorOf(refused, 413).message, /\(1500 bytes\)/);
});

test('415 says that the body must be application/json, naming the type sent', async (t) => {
  const app = await inertApp(t);
  for (const url of ['/v1/jobs', '/v1/batches', '/v1/stages/noop/pause']) {
    const response = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/xml' },
      payload: '<job/>',
    });
    const error = errorOf(response, 415);
    assert.equal(error.code, 'SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE');
    assert.equal(
      error.message,
      'the request body\'s Content-Type "text/xml" is not accepted: send it as application/json',
      url,
    );
  }
  const long = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': `text/${'x'.repeat(5_000)}` },
    payload: 'x',
  });
  assert.ok(errorOf(long, 415).message.length < 200, 'a long Content-Type is cut');
});

test('414 and other router errors quote at most 64 characters of the path', async (t) => {
  const app = await inertApp(t);
  const id = 'b'.repeat(16_000);
  const tooLong = await app.inject({
    method: 'GET',
    url: `/v1/jobs/${id}`,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const error = errorOf(tooLong, 414);
  assert.equal(error.code, 'SEDANO_ERR_API_URI_TOO_LONG');
  assert.equal(
    error.message,
    `a path parameter is longer than the 100 characters the gateway accepts: "${`/v1/jobs/${id}`.slice(0, 64)}…" (16009 characters)`,
  );
  const noRoute = await app.inject({
    method: 'GET',
    url: `/v1/nothing/${id}`,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const missing = errorOf(noRoute, 404);
  assert.ok(missing.message.length < 200, missing.message.slice(0, 300));
  assert.match(missing.message, /^no route GET "\/v1\/nothing\/b+…" \(16012 characters\)$/);
  const badUrl = await app.inject({
    method: 'GET',
    url: `/v1/jobs/%zz${id}`,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.ok(errorOf(badUrl, 400).message.length < 200);
});

test('a path the gateway serves, asked with another method, is a 405 with the methods it takes in Allow', async (t) => {
  const app = await inertApp(t);
  const headers = { authorization: `Bearer ${TOKEN}` };
  const job = await app.inject({ method: 'PUT', url: '/v1/jobs/6f1c2b9e-0d1a-4c55-9f0e-2a7d3b4c5e6f', headers });
  const error = errorOf(job, 405);
  assert.equal(error.code, 'SEDANO_ERR_API_METHOD_NOT_ALLOWED');
  assert.equal(job.headers['allow'], 'GET, HEAD, DELETE');
  assert.equal(
    error.message,
    '"/v1/jobs/6f1c2b9e-0d1a-4c55-9f0e-2a7d3b4c5e6f" does not take PUT; it takes GET, HEAD, DELETE',
  );
  const stages = await app.inject({ method: 'DELETE', url: '/v1/stages?x=1', headers });
  assert.equal(errorOf(stages, 405).code, 'SEDANO_ERR_API_METHOD_NOT_ALLOWED');
  assert.equal(stages.headers['allow'], 'GET, HEAD');
  const submit = await app.inject({ method: 'PATCH', url: '/v1/jobs', headers });
  assert.equal(submit.headers['allow'], 'GET, HEAD, POST');
  // A path no route serves stays a 404, whatever the method.
  const nothing = await app.inject({ method: 'PUT', url: '/v1/nothing', headers });
  assert.equal(errorOf(nothing, 404).code, 'SEDANO_ERR_API_NOT_FOUND');
  assert.equal(nothing.headers['allow'], undefined);
});

test('shortened: a value of at most 64 characters whole, a longer one cut with an ellipsis and its length', () => {
  const { errorReply, shortened } = gatewayErrors;
  assert.equal(typeof shortened, 'function');
  assert.equal(shortened('abc'), '"abc"');
  assert.equal(shortened('x'.repeat(64)), `"${'x'.repeat(64)}"`);
  assert.equal(shortened('x'.repeat(65)), `"${'x'.repeat(64)}…" (65 characters)`);
  const reply = errorReply(
    { code: 'FST_ERR_MAX_PARAM_LENGTH', statusCode: 414, message: `'${'y'.repeat(500)}' x` },
    'r',
  );
  assert.ok(reply.body.error.message.length < 200);
});
