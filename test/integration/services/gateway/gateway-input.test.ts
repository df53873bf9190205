/**
 * The gateway's edges through real HTTP on the real stack: every non-health route answers 401
 * without a valid token and 403 with a token lacking its scope; and a table of malformed
 * inputs over every route (malformed JSON, wrong types, unknown fields, oversize bodies, bad
 * ids and queries) always gets a 4xx with a stable code, never a 5xx.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { test } from 'node:test';
import { waitFor } from '../../../support/wait.ts';
import { startGateway, TOKENS, type CallOptions } from './gateway-harness.ts';

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with `:id`, `:stage` placeholders for the table of bad ids. */
  path: string;
  scope: 'submit' | 'read' | 'admin';
  /** Whether the route reads a JSON body. */
  body: boolean;
}

const ROUTES: Route[] = [
  { method: 'POST', path: '/v1/jobs', scope: 'submit', body: true },
  { method: 'GET', path: '/v1/jobs', scope: 'read', body: false },
  { method: 'GET', path: '/v1/jobs/counts', scope: 'read', body: false },
  { method: 'GET', path: '/v1/jobs/:id', scope: 'read', body: false },
  { method: 'GET', path: '/v1/jobs/:id/events', scope: 'read', body: false },
  { method: 'DELETE', path: '/v1/jobs/:id', scope: 'submit', body: true },
  { method: 'POST', path: '/v1/batches', scope: 'submit', body: true },
  { method: 'GET', path: '/v1/batches/:id', scope: 'read', body: false },
  { method: 'DELETE', path: '/v1/batches/:id', scope: 'submit', body: true },
  { method: 'GET', path: '/v1/stages', scope: 'read', body: false },
  { method: 'POST', path: '/v1/stages/:stage/pause', scope: 'admin', body: true },
  { method: 'POST', path: '/v1/stages/:stage/resume', scope: 'admin', body: true },
  { method: 'PUT', path: '/v1/stages/:stage/rate-limit', scope: 'admin', body: true },
  { method: 'PUT', path: '/v1/stages/:stage/concurrency', scope: 'admin', body: true },
  { method: 'GET', path: '/v1/dead-letters', scope: 'admin', body: false },
  { method: 'POST', path: '/v1/dead-letters/:id/replay', scope: 'admin', body: true },
  { method: 'GET', path: '/metrics', scope: 'read', body: false },
  { method: 'POST', path: '/v1/collections/:name/search', scope: 'read', body: true },
  { method: 'GET', path: '/v1/exports/:id', scope: 'read', body: false },
  { method: 'GET', path: '/v1/jobs/:id/trace', scope: 'read', body: false },
  { method: 'GET', path: '/v1/whoami', scope: 'read', body: false },
  { method: 'GET', path: '/v1/workers', scope: 'read', body: false },
  { method: 'POST', path: '/v1/workers/ping', scope: 'admin', body: true },
  { method: 'GET', path: '/v1/workers/pings/:id', scope: 'read', body: false },
];

/** Routes without a token: health. */
const PUBLIC_PATHS = ['/healthz', '/readyz'];

function concrete(route: Route): string {
  const id = route.path.startsWith('/v1/dead-letters') ? '0-1' : randomUUID();
  return route.path.replace(':id', id).replace(':stage', 'noop').replace(':name', 'test-collection');
}

/** A token lacking the route's scope. */
function wrongScope(scope: Route['scope']): keyof typeof TOKENS {
  return scope === 'read' ? 'submitter' : 'reader';
}

const validNoop = { stage: 'noop', payload: { sleepMs: 1 } };

/** Malformed inputs for one route: a name and the request. */
function malformed(route: Route): [string, string, CallOptions][] {
  const path = concrete(route);
  const cases: [string, string, CallOptions][] = [];
  if (route.body) {
    const json = { 'content-type': 'application/json' };
    cases.push(
      ['truncated JSON', path, { body: '{"stage": "noop", "payload": {', headers: json }],
      ['not JSON at all', path, { body: 'stage=noop', headers: json }],
      ['empty JSON body', path, { body: '', headers: json }],
      ['prototype poisoning', path, { body: '{"__proto__": {"x": 1}}', headers: json }],
      ['text/plain body', path, { body: 'hello', headers: { 'content-type': 'text/plain' } }],
      ['a JSON number', path, { json: 42 }],
      ['a JSON array', path, { json: [validNoop] }],
      ['an unknown field', path, { json: { ...validNoop, unexpected: true, reason: 'x' } }],
      ['oversize body', path, { json: { ...validNoop, payload: { payload: 'x'.repeat(1_100_000) } } }],
    );
  }
  if (route.path.includes(':id')) {
    for (const bad of [
      'not-a-uuid',
      '123',
      'x'.repeat(300),
      '%00',
      '..%2F..%2Fetc',
      randomUUID().toUpperCase() + 'z',
    ]) {
      cases.push([`bad id ${bad.slice(0, 20)}`, route.path.replace(':id', bad).replace(':stage', 'noop'), {}]);
    }
  }
  if (route.path.includes(':stage')) cases.push(['unknown stage', route.path.replace(':stage', 'nope'), {}]);
  if (route.path.includes(':name')) {
    for (const bad of ['-starts-with-a-dash', 'has%20space', 'x'.repeat(129), '%00', 'dots.in.name']) {
      cases.push([
        `bad collection name ${bad.slice(0, 20)}`,
        route.path.replace(':name', bad),
        { json: { query: 'x' } },
      ]);
    }
  }
  if (route.path === '/v1/collections/:name/search') {
    const bodies: [string, unknown][] = [
      ['no query', { limit: 3 }],
      ['an empty query', { query: '' }],
      ['a query of the wrong type', { query: 5 }],
      ['a limit of 0', { query: 'x', limit: 0 }],
      ['a limit too high', { query: 'x', limit: 1000 }],
      ['a fractional limit', { query: 'x', limit: 1.5 }],
      ['an unknown filter', { query: 'x', filter: { page: 2 } }],
      ['a metadata value of the wrong type', { query: 'x', filter: { metadata: { lang: 1 } } }],
      ['an oversize query', { query: 'q'.repeat(9000) }],
    ];
    for (const [name, body] of bodies) cases.push([name, path, { json: body }]);
  }
  if (route.method === 'GET' && (route.path === '/v1/jobs' || route.path === '/v1/dead-letters')) {
    for (const query of ['limit=0', 'limit=abc', 'limit=100000', 'limit=-1', 'cursor=%21%21', 'unknown=1']) {
      cases.push([`query ${query}`, `${route.path}?${query}`, {}]);
    }
    if (route.path === '/v1/jobs') {
      for (const query of [
        'state=NOPE',
        'stage=NOOP',
        'batchId=nope',
        'cursor=' + Buffer.from('x:y').toString('base64url'),
      ]) {
        cases.push([`query ${query}`, `${route.path}?${query}`, {}]);
      }
    }
  }
  if (route.path === '/v1/jobs/counts') {
    for (const query of [
      'sinceMs=0',
      'sinceMs=-1',
      'sinceMs=abc',
      'sinceMs=1.5',
      'sinceMs=3600001',
      'stage=nope',
      'stage=NOOP',
      'unknown=1',
    ]) {
      cases.push([`query ${query}`, `${route.path}?${query}`, {}]);
    }
  }
  if (route.path === '/v1/workers') {
    for (const query of ['stage=nope', 'stage=NOOP', 'unknown=1'])
      cases.push([`query ${query}`, `${route.path}?${query}`, {}]);
  }
  if (route.path === '/v1/jobs' && route.method === 'POST') {
    const bodies: [string, unknown][] = [
      ['no stage', { payload: {} }],
      ['unknown stage', { stage: 'nope', payload: {} }],
      ['stage of the wrong type', { stage: 5, payload: {} }],
      ['no payload', { stage: 'noop' }],
      ['payload of the wrong type', { stage: 'noop', payload: 'x' }],
      ['a payload field of the wrong type', { stage: 'noop', payload: { sleepMs: '5' } }],
      ['a fractional long', { stage: 'noop', payload: { sleepMs: 1.5 } }],
      ['a long beyond safe integers', { stage: 'noop', payload: { sleepMs: 2 ** 60 } }],
      ['a long the codec cannot encode', { stage: 'noop', payload: { sleepMs: Number.MAX_SAFE_INTEGER } }],
      ['a negative long the codec cannot encode', { stage: 'noop', payload: { cpuSpinMs: -Number.MAX_SAFE_INTEGER } }],
      ['a time limit the codec cannot encode', { ...validNoop, hardTimeLimitMs: Number.MAX_SAFE_INTEGER }],
      ['an unknown payload field', { stage: 'noop', payload: { nope: 1 } }],
      ['a missing required payload field', { stage: 'indexing', payload: { documents: [] } }],
      ['a nested wrong type', { stage: 'indexing', payload: { collection: 'c', documents: [{ uri: 5 }] } }],
      ['a bad enum', { ...validNoop, priority: 'URGENT' }],
      ['a bad uuid', { ...validNoop, batchId: 'batch-1' }],
      ['a bad retry policy', { ...validNoop, retryPolicy: { maxAttempts: 'three' } }],
      ['a time limit of 0', { ...validNoop, hardTimeLimitMs: 0 }],
      ['a header field', { ...validNoop, jobId: randomUUID() }],
      ['a countdown beyond 30 days', { ...validNoop, countdownMs: 31 * 86_400_000 }],
      ['a negative countdown', { ...validNoop, countdownMs: -1 }],
      ['a fractional countdown', { ...validNoop, countdownMs: 1.5 }],
      ['a due time as a string', { ...validNoop, notBefore: '2026-12-03T09:00:00Z' }],
    ];
    for (const [name, body] of bodies) cases.push([name, path, { json: body }]);
    cases.push([
      'an oversize Idempotency-Key',
      path,
      { json: validNoop, headers: { 'idempotency-key': 'k'.repeat(500) } },
    ]);
  }
  if (route.path === '/v1/batches') {
    const bodies: [string, unknown][] = [
      ['no jobs', {}],
      ['an empty batch', { jobs: [] }],
      ['jobs not an array', { jobs: validNoop }],
      ['a bad job inside', { jobs: [validNoop, { stage: 'noop', payload: { sleepMs: -0.5 } }] }],
      ['a job with its own batchId', { jobs: [{ ...validNoop, batchId: randomUUID() }] }],
      ['too many jobs', { jobs: Array.from({ length: 1001 }, () => validNoop) }],
      ['a bad follow-up', { jobs: [validNoop], followUp: { stage: 'noop' } }],
      ['a bad batch id', { jobs: [validNoop], batchId: 'b' }],
    ];
    for (const [name, body] of bodies) cases.push([name, path, { json: body }]);
  }
  return cases;
}

/** An answer read off a raw socket. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes as they are (no client library fixes them up) and reads the answer until the
 * server closes; `endAfterSend` half-closes the socket, for a body shorter than its length.
 */
function rawRequest(baseUrl: string, request: Buffer, endAfterSend: boolean): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true }, () => {
      socket.write(request);
      if (endAfterSend) socket.end();
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Keep-alive answers end at their declared length; parser errors close the socket.
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split));
      if (split !== -1 && length?.[1] !== undefined && text.length - split - 4 >= Number(length[1])) socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' || chunks.length === 0) reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) });
    });
  });
}

/** Requests Node's HTTP parser (or fastify's body reader) refuses: name, bytes, half-close after sending. */
function parserCases(token: string): [string, Buffer, boolean][] {
  const auth = `Authorization: Bearer ${token}\r\n`;
  const json = '{"stage":"noop","payload":{"sleepMs":1}}';
  const post = (headers: string, body: string | Buffer) =>
    Buffer.concat([
      Buffer.from(`POST /v1/jobs HTTP/1.1\r\nHost: x\r\n${auth}${headers}\r\n`, 'latin1'),
      Buffer.from(body),
    ]);
  const get = (target: Buffer | string, headers = '') =>
    Buffer.concat([
      Buffer.from('GET '),
      Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'),
      Buffer.from(` HTTP/1.1\r\nHost: x\r\n${auth}${headers}\r\n`),
    ]);
  return [
    [
      'a malformed Content-Type (folded over two lines)',
      post(`Content-Type: application/json;\r\n charset=utf-8\r\nContent-Length: ${json.length}\r\n`, json),
      false,
    ],
    [
      'a Content-Type with a control byte',
      post(`Content-Type: application/\x01json\r\nContent-Length: ${json.length}\r\n`, json),
      false,
    ],
    [
      'a bad chunk size',
      post('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', `zz\r\n${json}\r\n0\r\n\r\n`),
      false,
    ],
    [
      'both Content-Length and Transfer-Encoding',
      post(`Content-Type: application/json\r\nContent-Length: ${json.length}\r\nTransfer-Encoding: chunked\r\n`, json),
      false,
    ],
    ['Content-Length -1', post('Content-Type: application/json\r\nContent-Length: -1\r\n', json), false],
    ['a body shorter than its length', post('Content-Type: application/json\r\nContent-Length: 1000\r\n', json), true],
    [
      'a raw non-ASCII byte in the target',
      get(Buffer.from([0x2f, 0x76, 0x31, 0x2f, 0x6a, 0x6f, 0x62, 0x73, 0x2f, 0xff])),
      false,
    ],
    ['a NUL byte in the target', get(Buffer.from('/v1/jobs/\x00', 'latin1')), false],
    ['a 20 KB request line', get(`/v1/jobs?state=${'x'.repeat(20_000)}`), false],
    ['a 20 KB header', get('/v1/jobs', `X-Filler: ${'x'.repeat(20_000)}\r\n`), false],
  ];
}

/** Credentials sent where the gateway does not take them (a query string, a cookie), on several routes. */
const LEAKED_SECRET = 'leaked-secret-value-0123456789';
const LEAKING_PATHS = [
  `/v1/jobs?access_token=${LEAKED_SECRET}`,
  `/v1/jobs?token=${LEAKED_SECRET}&limit=5`,
  `/v1/jobs?authorization=Bearer%20${LEAKED_SECRET}`,
  `/v1/jobs/${randomUUID()}/events?access_token=${LEAKED_SECRET}`,
  `/v1/no-such-route?access_token=${LEAKED_SECRET}`,
  `/v1/jobs?limit=abc&access_token=${LEAKED_SECRET}`,
  `/docs/json?token=${LEAKED_SECRET}`,
  // Percent-encoded: a URL with a user and password as a path parameter, a bearer token as another.
  `/v1/exports/https%3A%2F%2Fuser%3A${LEAKED_SECRET}%40host`,
  `/v1/jobs/Bearer%20${LEAKED_SECRET}`,
];

test('gateway edges: authentication and malformed input', { timeout: 240_000 }, async (t) => {
  const logLines: string[] = [];
  const gateway = await startGateway(t, { logLines });

  await t.test('the table covers every route of the API description', async () => {
    const docs = (await (await gateway.call('GET', '/docs/json', { token: 'reader' })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const described = Object.entries(docs.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = new Set(ROUTES.map((route) => `${route.method} ${route.path}`));
    for (const route of described) {
      if (PUBLIC_PATHS.some((path) => route.endsWith(` ${path}`))) continue;
      assert.ok(covered.has(route), `${route} is in the table`);
    }
  });

  await t.test(
    'every route, asked with a method it does not take, is a 405 whose Allow lists those it does',
    async () => {
      // The methods of every route whose pattern the path matches (`/v1/jobs/counts` is also a `/v1/jobs/:id`).
      const matches = (pattern: string, path: string) =>
        new RegExp(`^${pattern.replace(/:\w+/g, '[^/]+')}$`).test(path);
      for (const route of ROUTES) {
        const path = concrete(route);
        const methods = ROUTES.filter((other) => matches(other.path, path)).map((other) => other.method);
        const allowed = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((method) =>
          methods.some((taken) => taken === method || (method === 'HEAD' && taken === 'GET')),
        );
        const wrong = 'PATCH'; // no route takes PATCH
        const response = await gateway.call(wrong, path);
        const body = (await response.json()) as { error: { code: string } };
        assert.equal(response.status, 405, `${wrong} ${path}`);
        assert.equal(body.error.code, 'SEDANO_ERR_API_METHOD_NOT_ALLOWED', `${wrong} ${path}`);
        assert.equal(response.headers.get('allow'), allowed.join(', '), `${wrong} ${path}`);
      }
    },
  );

  await t.test('401 without a valid token, 403 without the scope, on every non-health route', async () => {
    for (const route of ROUTES) {
      const path = concrete(route);
      const json = route.body ? { json: route.path === '/v1/batches' ? { jobs: [validNoop] } : validNoop } : {};
      for (const [name, options, status, code] of [
        ['no token', { token: null }, 401, 'SEDANO_ERR_API_UNAUTHORIZED'],
        ['an unknown token', { token: 'not-a-known-token-at-all' }, 401, 'SEDANO_ERR_API_UNAUTHORIZED'],
        [
          'a Basic header',
          { token: null, headers: { authorization: `Basic ${TOKENS.admin.token}` } },
          401,
          'SEDANO_ERR_API_UNAUTHORIZED',
        ],
        ['the wrong scope', { token: wrongScope(route.scope) }, 403, 'SEDANO_ERR_API_FORBIDDEN'],
      ] as const) {
        const response = await gateway.call(route.method, path, { ...json, ...options });
        assert.equal(response.status, status, `${route.method} ${route.path} with ${name}`);
        const body = (await response.json()) as { error: { code: string; requestId: string } };
        assert.equal(body.error.code, code, `${route.method} ${route.path} with ${name}`);
        assert.ok(body.error.requestId);
        // Set before the token check, so a refused request carries it too.
        assert.equal(response.headers.get('x-request-id'), body.error.requestId);
      }
    }
    // The HEAD fastify adds beside each GET needs the token too.
    for (const route of ROUTES.filter(({ method }) => method === 'GET')) {
      const response = await gateway.call('HEAD', concrete(route), { token: null });
      assert.equal(response.status, 401, `HEAD ${route.path} without a token`);
    }
    for (const path of ['/healthz', '/readyz']) {
      assert.equal((await gateway.call('GET', path, { token: null })).status, 200, `${path} needs no token`);
    }
    // The API description needs `read` too.
    for (const path of ['/docs', '/docs/json']) {
      assert.equal((await gateway.call('GET', path, { token: null })).status, 401, `${path} without a token`);
      assert.equal((await gateway.call('GET', path, { token: 'submitter' })).status, 403, `${path} without read`);
    }
  });

  await t.test('malformed input on every route: always a 4xx with a code, never a 5xx', async () => {
    let count = 0;
    for (const route of ROUTES) {
      for (const [name, path, options] of malformed(route)) {
        const response = await gateway.call(route.method, path, options);
        const text = await response.text();
        const label = `${route.method} ${route.path}: ${name} -> ${response.status} ${text.slice(0, 200)}`;
        assert.ok(response.status >= 400 && response.status < 500, label);
        const body = JSON.parse(text) as { error: { code: string; message: string; details?: { path: string }[] } };
        assert.match(body.error.code, /^SEDANO_ERR_API_[A-Z_]+$/, label);
        assert.ok(body.error.message.length > 0, label);
        if (name === 'text/plain body') {
          assert.equal(body.error.code, 'SEDANO_ERR_API_UNSUPPORTED_MEDIA_TYPE', label);
          assert.match(body.error.message, /"text\/plain" is not accepted: send it as application\/json/, label);
        }
        // The limit is said, as the gateway is configured (1 MiB by default).
        if (name === 'oversize body') {
          assert.equal(body.error.code, 'SEDANO_ERR_API_PAYLOAD_TOO_LARGE', label);
          assert.match(body.error.message, /\(1 MiB, 1048576 bytes\)/, label);
        }
        // A long id is quoted cut, not echoed whole.
        if (path.includes('x'.repeat(300)) || path.includes('x'.repeat(129))) {
          assert.ok(!body.error.message.includes('x'.repeat(65)), label);
        }
        // Valid JSON refused for a prototype key is told so, not called invalid JSON.
        if (name === 'prototype poisoning') assert.match(body.error.message, /"__proto__" key/, label);
        if (body.error.code === 'SEDANO_ERR_API_VALIDATION' && body.error.details !== undefined) {
          assert.ok(
            body.error.details.length > 0 && body.error.details.every((detail) => detail.path.startsWith('/')),
            label,
          );
        }
        count += 1;
      }
    }
    assert.ok(count > 100, `${count} malformed requests`);
  });

  await t.test('validation errors name the path of each bad field', async () => {
    const response = await gateway.call('POST', '/v1/jobs', {
      json: { stage: 'noop', payload: { sleepMs: 'soon', extra: 1 }, priority: 'URGENT' },
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string; details: { in: string; path: string }[] } };
    assert.equal(body.error.code, 'SEDANO_ERR_API_VALIDATION');
    assert.deepEqual(body.error.details.map((detail) => detail.path).sort(), [
      '/payload/extra',
      '/payload/sleepMs',
      '/priority',
    ]);
    assert.ok(body.error.details.every((detail) => detail.in === 'body'));
  });

  await t.test('parser-level errors are answered in the error shape with an x-request-id', async () => {
    for (const [name, request, endAfterSend] of parserCases(TOKENS.admin.token)) {
      const answer = await rawRequest(gateway.baseUrl, request, endAfterSend);
      const label = `${name} -> ${answer.status} ${answer.body.slice(0, 200)}`;
      assert.ok(answer.status >= 400 && answer.status < 500, label);
      const body = JSON.parse(answer.body) as { error: { code: string; message: string; requestId: string } };
      assert.match(body.error.code, /^SEDANO_ERR_API_[A-Z_]+$/, label);
      assert.ok(body.error.message.length > 0, label);
      assert.ok(body.error.requestId, label);
      assert.equal(answer.headers['x-request-id'], body.error.requestId, label);
    }
  });

  await t.test(
    'a credential in the URL (in the query, or escaped in the path) never reaches the log, whatever the route',
    async () => {
      for (const path of LEAKING_PATHS) {
        const response = await gateway.call('GET', path, { token: null });
        assert.equal(response.status, path.startsWith('/v1/no-such-route') ? 404 : 401, path);
        await response.body?.cancel();
      }
      for (const path of LEAKING_PATHS.slice(0, 3)) {
        // With a valid header too: the query token is ignored, and still not logged.
        const response = await gateway.call('GET', path.replace('limit=abc', 'limit=1'), {
          token: 'reader',
          headers: { cookie: `session=${LEAKED_SECRET}` },
        });
        await response.body?.cancel();
      }
      const leaks = logLines.filter((line) => line.includes(LEAKED_SECRET) || line.includes(TOKENS.admin.token));
      assert.deepEqual(leaks, [], 'no credential in the log');
      assert.ok(
        logLines.some((line) => line.includes('access_token=[REDACTED]')),
        'the redacted URL is logged',
      );
    },
  );

  await t.test('one access line per request: changes and errors at info, successful reads at debug', async () => {
    const accessLine = async (response: Response) => {
      await response.body?.cancel();
      const requestId = response.headers.get('x-request-id');
      const linesOf = () =>
        logLines
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((entry) => entry['reqId'] === requestId && entry['msg'] === 'request completed');
      // Written when the response has ended, which the client may see first.
      await waitFor(() => linesOf().length > 0, { description: `the access line of ${requestId}`, intervalMs: 20 });
      const lines = linesOf();
      assert.equal(lines.length, 1, `one access line for ${requestId}`);
      return lines[0] as {
        level: number;
        req: { method: string; url: string };
        res: { statusCode: number };
      } & Record<string, unknown>;
    };
    const INFO = 30;
    const DEBUG = 20;
    const submission = await gateway.call('POST', '/v1/jobs', { json: validNoop });
    const { jobId } = (await submission.clone().json()) as { jobId: string };
    const submitted = await accessLine(submission);
    assert.deepEqual([submitted.level, submitted.req.method, submitted.req.url], [INFO, 'POST', '/v1/jobs']);
    assert.equal(submitted.res.statusCode, 202);
    // A submission is that one line, which says what it did: no second "job submitted" line.
    assert.deepEqual([submitted['jobId'], submitted['stage'], submitted['created']], [jobId, 'noop', true]);
    assert.match(String(submitted['traceId']), /^[0-9a-f]{32}$/);
    const requestId = submission.headers.get('x-request-id');
    const itsLines = logLines.filter((line) => (JSON.parse(line) as Record<string, unknown>)['reqId'] === requestId);
    assert.equal(itsLines.length, 1, itsLines.join('\n'));
    const read = await accessLine(await gateway.call('GET', '/v1/jobs?limit=1', { token: 'reader' }));
    assert.deepEqual([read.level, read.res.statusCode], [DEBUG, 200]);
    const probe = await accessLine(await gateway.call('GET', '/healthz', { token: null }));
    assert.equal(probe.level, DEBUG);
    const missing = await accessLine(await gateway.call('GET', `/v1/jobs/${randomUUID()}`, { token: 'reader' }));
    assert.deepEqual([missing.level, missing.res.statusCode], [INFO, 404]);
    const refused = await accessLine(await gateway.call('GET', '/v1/jobs', { token: null }));
    assert.deepEqual([refused.level, refused.res.statusCode], [INFO, 401]);
    // Refused by the router before any route or hook runs.
    const badUrl = await accessLine(await gateway.call('GET', '/v1/jobs/%zz', { token: 'reader' }));
    assert.deepEqual([badUrl.level, badUrl.req.url, badUrl.res.statusCode], [INFO, '/v1/jobs/%zz', 400]);
  });

  await t.test('client faults are logged below error level, never as an outage', () => {
    const entries = logLines.map((line) => JSON.parse(line) as { level: number; msg: string; code?: string });
    const errors = entries.filter((entry) => entry.level >= 50);
    assert.deepEqual(errors, [], 'no error-level line');
    assert.ok(!entries.some((entry) => entry.code === 'SEDANO_ERR_API_UNAVAILABLE'), 'no outage');
    assert.ok(
      entries.some((entry) => entry.msg === 'client error'),
      'parser errors are logged',
    );
  });
});
