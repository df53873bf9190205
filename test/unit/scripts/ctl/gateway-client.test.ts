import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gatewayErrorMessage, resolveGatewayTarget, SseParser } from '../../../../scripts/ctl/gateway-client.ts';
import { UsageError } from '../../../../scripts/ctl/output.ts';

test('SSE: events end at a blank line; comments are skipped; data lines join; chunks may split anywhere', () => {
  const parser = new SseParser();
  const stream =
    ': heartbeat\n\nevent: status\nid: 7\ndata: {"a":\ndata: 1}\n\nevent: status\r\nid: 8\r\ndata: {}\r\n\r\n';
  const events = [];
  for (let i = 0; i < stream.length; i += 5) events.push(...parser.feed(stream.slice(i, i + 5)));
  assert.deepEqual(events, [
    { event: 'status', id: '7', data: '{"a":\n1}' },
    { event: 'status', id: '8', data: '{}' },
  ]);
});

test('SSE: an event without a name is a message; an unfinished event is not emitted', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.feed('data: x\n\ndata: y\n'), [{ event: 'message', id: null, data: 'x' }]);
});

test("the gateway's error body becomes `code: message`; other bodies name the status", () => {
  assert.equal(
    gatewayErrorMessage(404, {
      error: { code: 'SEDANO_ERR_API_NOT_FOUND', message: 'job x is not known', requestId: 'r' },
    }),
    'SEDANO_ERR_API_NOT_FOUND: job x is not known',
  );
  assert.equal(gatewayErrorMessage(502, null), 'the gateway answered HTTP 502');
  assert.equal(gatewayErrorMessage(500, { error: 'nope' }), 'the gateway answered HTTP 500');
});

test('the target: flags first, then the environment, then the token file `up` writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-target-'));
  const env = { SEDANO_RUN_DIR: dir, SEDANO_GATEWAY_PORT: '9999' };
  assert.throws(
    () => resolveGatewayTarget({}, env),
    (error: unknown) => error instanceof UsageError && /--token/.test(error.message),
  );
  writeFileSync(join(dir, 'admin-token'), 'from-file-token\n');
  assert.deepEqual(resolveGatewayTarget({}, env), { url: 'http://127.0.0.1:9999', token: 'from-file-token' });
  assert.deepEqual(resolveGatewayTarget({}, { ...env, SEDANO_API_TOKEN: 'env-token' }).token, 'env-token');
  assert.deepEqual(resolveGatewayTarget({ url: 'http://gw:1/', token: 'flag-token' }, env), {
    url: 'http://gw:1',
    token: 'flag-token',
  });
  assert.throws(() => resolveGatewayTarget({ url: 'not a url', token: 't' }, env), UsageError);
});
