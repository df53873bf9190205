import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAuthenticator } from '../../../../services/gateway/auth.ts';
import { apiTokensOf, checkGatewaySettings, gatewaySettings } from '../../../../services/gateway/config.ts';
import { apiError, errorReply } from '../../../../services/gateway/errors.ts';
import { estimateProgress } from '../../../../services/gateway/eta.ts';
import { revokedEvent, revokeReason } from '../../../../services/gateway/revoke.ts';
import { SHOWN_TEXT_MAX_CHARS } from '../../../../services/lib/shown-text.ts';
import { lagOf } from '../../../../services/gateway/stage-lag.ts';
import { jobReply } from '../../../../services/gateway/routes/jobs.ts';
import { summarizeWorkers } from '../../../../services/gateway/routes/stages.ts';
import { SedanoError } from '../../../../services/lib/errors.ts';
import { resolveSettings, SettingsError } from '../../../../services/lib/settings.ts';
import { applyStatusEvent, type JobView } from '../../../../services/lib/status-view.ts';
import { jobStatusEventSample } from '../../schemas/samples.ts';

const tokens = '[{"token":"secret-token-1","scopes":["read"],"name":"reader"}]';

test('config: tokens, port and host, with every problem reported at once and no token in a message', (t) => {
  const gateway = (env: Record<string, string>) => resolveSettings(gatewaySettings, env, checkGatewaySettings);
  const settings = gateway({ SEDANO_API_TOKENS: tokens, SEDANO_GATEWAY_PORT: '9000' });
  assert.deepEqual(apiTokensOf(settings), [{ token: 'secret-token-1', scopes: ['read'], name: 'reader' }]);
  assert.equal(settings.port, 9000);
  assert.equal(settings.host, '127.0.0.1');
  const dir = mkdtempSync(join(tmpdir(), 'sedano-gateway-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tokens.json');
  writeFileSync(file, tokens);
  const fromFile = gateway({ SEDANO_API_TOKENS_FILE: file });
  assert.equal(apiTokensOf(fromFile)[0]?.name, 'reader');
  assert.equal(fromFile.port, 8080);
  const problemsOf = (env: Record<string, string>): SettingsError => {
    try {
      gateway(env);
    } catch (error) {
      assert.ok(error instanceof SettingsError, String(error));
      return error;
    }
    assert.fail(`no problem found in ${Object.keys(env).join(', ')}`);
  };
  const bad = problemsOf({
    SEDANO_API_TOKENS: '[{"token":"short","scopes":["root"],"name":"x"}, {"token": "secret-token-2"}]',
    SEDANO_GATEWAY_PORT: 'http',
    JAEGER_UI_URL: 'not a url',
  });
  assert.deepEqual(bad.problems.map((problem) => problem.variable).sort(), [
    'JAEGER_UI_URL',
    'SEDANO_API_TOKENS',
    'SEDANO_GATEWAY_PORT',
  ]);
  assert.equal(bad.problems.find((problem) => problem.variable === 'SEDANO_API_TOKENS')?.given, '(hidden)');
  assert.ok(!bad.message.includes('secret-token-2') && !bad.message.includes('short"'), bad.message);
  assert.match(problemsOf({}).message, /SEDANO_API_TOKENS or SEDANO_API_TOKENS_FILE: expected at least one API token/);
  const notJson = problemsOf({ SEDANO_API_TOKENS: '[{"token": "secret-tok' });
  assert.match(notJson.message, /SEDANO_API_TOKENS: expected a JSON array/);
  assert.ok(!notJson.message.includes('secret-tok'), notJson.message);
  assert.match(problemsOf({ SEDANO_API_TOKENS_FILE: join(dir, 'missing.json') }).message, /SEDANO_API_TOKENS_FILE/);
  const twice = problemsOf({ SEDANO_API_TOKENS: tokens, SEDANO_API_TOKENS_FILE: file });
  assert.match(twice.message, /each token value once/);
  assert.ok(!twice.message.includes('secret-token-1'), twice.message);
});

test('auth: 401 without or with an unknown token, 403 without the scope', () => {
  const auth = createAuthenticator([{ token: 'secret-token-1', scopes: ['read'], name: 'reader' }]);
  assert.deepEqual(auth.authorize('Bearer secret-token-1', 'read'), { name: 'reader', scopes: ['read'] });
  const status = (header: string | undefined, scope: 'read' | 'admin') => {
    try {
      auth.authorize(header, scope);
      return 200;
    } catch (error) {
      return (error as SedanoError).status;
    }
  };
  assert.equal(status(undefined, 'read'), 401);
  assert.equal(status('Basic secret-token-1', 'read'), 401);
  assert.equal(status('Bearer secret-token-2', 'read'), 401);
  assert.equal(status('Bearer secret-token-1', 'admin'), 403);
});

test("auth: a 401 reaches the client as written, whole through the reply's redaction of credentials", () => {
  const auth = createAuthenticator([{ token: 'secret-token-1', scopes: ['read'], name: 'reader' }]);
  for (const header of [undefined, 'Token x', 'Bearer', 'Bearer secret-token-2']) {
    let thrown: unknown;
    assert.throws(() => {
      try {
        auth.authorize(header, 'read');
      } catch (error) {
        thrown = error;
        throw error;
      }
    });
    const { message } = thrown as SedanoError;
    const reply = errorReply(thrown, 'r');
    assert.equal(reply.statusCode, 401);
    assert.equal(reply.body.error.message, message, String(header));
    assert.ok(!message.includes('secret-token-2'), message);
  }
});

test('auth: only the exact token matches, whatever the lengths of the known tokens', () => {
  const auth = createAuthenticator([
    { token: 'short', scopes: ['read'], name: 'short' },
    { token: 'a-much-longer-token-0001', scopes: ['read', 'submit'], name: 'long' },
    { token: 'tökén-ünïcode', scopes: ['admin'], name: 'unicode' },
  ]);
  assert.equal(auth.authorize('Bearer short', 'read').name, 'short');
  assert.equal(auth.authorize('bearer   a-much-longer-token-0001 ', 'submit').name, 'long');
  assert.equal(auth.authorize('Bearer tökén-ünïcode', 'admin').name, 'unicode');
  const refused = (header: string) => {
    try {
      auth.authorize(header, 'read');
      return false;
    } catch (error) {
      return (error as SedanoError).code === 'SEDANO_ERR_API_UNAUTHORIZED';
    }
  };
  // Prefixes, extensions, same length with one byte changed, another token's length: all unknown.
  for (const token of [
    'shor',
    'shortx',
    'shorT',
    'a-much-longer-token-000',
    'a-much-longer-token-0002',
    'tokén-ünïcode',
  ]) {
    assert.ok(refused(`Bearer ${token}`), token);
  }
  assert.throws(() => createAuthenticator([]).authorize('Bearer short', 'read'), /not known/);
});

test('errors: client errors are 4xx with codes, outages 503, the rest 500 without details', () => {
  assert.equal(errorReply(apiError('SEDANO_ERR_API_NOT_FOUND', 'x'), 'r').statusCode, 404);
  const validation = errorReply(
    {
      validation: [{ keyword: 'required', instancePath: '/payload', params: { missingProperty: 'a' }, message: 'm' }],
      validationContext: 'body',
    },
    'r',
  );
  assert.equal(validation.statusCode, 400);
  assert.deepEqual(validation.body.error.details, [{ in: 'body', path: '/payload/a', message: 'm' }]);
  assert.equal(
    errorReply({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 'r').body.error.code,
    'SEDANO_ERR_API_PAYLOAD_TOO_LARGE',
  );
  assert.equal(
    errorReply({ name: 'SyntaxError', statusCode: 400, message: 'x' }, 'r').body.error.code,
    'SEDANO_ERR_API_MALFORMED_JSON',
  );
  assert.equal(
    errorReply(new SedanoError('SEDANO_ERR_REGISTRY_UNAVAILABLE', 'down', { retriable: true }), 'r').statusCode,
    503,
  );
  assert.equal(errorReply({ name: 'KafkaJSConnectionError', message: 'down' }, 'r').statusCode, 503);
  // ioredis's, for a command unanswered within the gateway's SEDANO_GATEWAY_REDIS_TIMEOUT_MS.
  const timedOut = errorReply(new Error('Command timed out'), 'r');
  assert.deepEqual([timedOut.statusCode, timedOut.body.error.code], [503, 'SEDANO_ERR_API_UNAVAILABLE']);
  assert.equal(timedOut.body.error.message, 'a backing service did not answer: Command timed out');
  assert.equal(errorReply(new Error('a Command timed out in the handler'), 'r').statusCode, 500);
  const internal = errorReply(new TypeError('secret detail'), 'req-1');
  assert.equal(internal.statusCode, 500);
  assert.equal(internal.serverFault, true);
  assert.ok(!internal.body.error.message.includes('secret detail'));
  assert.match(internal.body.error.message, /req-1/);
});

const running: JobView = {
  jobId: 'j',
  jobType: 'NOOP',
  stage: 'NOOP',
  state: 'PROGRESS',
  sequence: 5,
  attempt: 1,
  progress: { current: 25, total: 100, percent: 25, message: null, details: null },
  result: null,
  error: null,
  submittedAt: 0,
  startedAt: 1_000,
  finishedAt: null,
  nextAttemptAt: null,
  occurredAt: 2_000,
  updatedAt: 2_000,
  batchId: null,
  parentJobId: null,
  workerId: 'w',
  traceId: null,
  expiresAt: null,
  payloadPreview: null,
};

test('eta: the rate since the attempt started, extended to the total', () => {
  assert.deepEqual(estimateProgress(running, 2_500), { percent: 25, ratePerSecond: 25, etaMs: 2_500, etaAt: 5_000 });
  assert.equal(estimateProgress({ ...running, progress: null }, 0), undefined);
  assert.equal(estimateProgress({ ...running, progress: { ...running.progress!, current: 0 } }, 0)?.etaMs, null);
  assert.equal(estimateProgress({ ...running, state: 'SUCCESS' }, 0)?.etaAt, null);
});

test('job reply: every field of the stored view, in its order, then the estimate and the trace link', () => {
  // Views as the status view stores and reads them (apply, then a JSON round trip), so a field
  // added to the view and not to the reply, or shown out of order, fails here.
  const stored = (view: JobView | undefined) => JSON.parse(JSON.stringify(view)) as JobView;
  const finished = stored(applyStatusEvent(undefined, jobStatusEventSample).view);
  const inProgress = stored(
    applyStatusEvent(undefined, {
      ...jobStatusEventSample,
      state: 'PROGRESS',
      progress: { ...jobStatusEventSample.progress!, current: 1, percent: 50 },
      finishedAt: null,
      result: null,
    }).view,
  );
  const pending = stored(
    applyStatusEvent(undefined, { ...jobStatusEventSample, state: 'PENDING', progress: null }).view,
  );
  for (const view of [finished, inProgress, pending]) {
    for (const jaegerUiUrl of [undefined, 'http://jaeger:16686']) {
      const reply = jobReply(view, view.occurredAt + 1_000, jaegerUiUrl);
      assert.deepEqual(Object.keys(reply), [...Object.keys(view), 'traceUrl']);
      assert.deepEqual({ ...reply, progress: view.progress, traceUrl: undefined }, { ...view, traceUrl: undefined });
      const estimate = estimateProgress(view, view.occurredAt + 1_000);
      assert.deepEqual(reply.progress, view.progress && { ...view.progress, ...estimate });
      if (reply.progress !== null) {
        assert.deepEqual(Object.keys(reply.progress), [
          ...Object.keys(view.progress!),
          'ratePerSecond',
          'etaMs',
          'etaAt',
        ]);
      }
      assert.equal(reply.traceUrl, jaegerUiUrl === undefined ? null : `${jaegerUiUrl}/trace/${view.traceId}`);
    }
  }
  // Half done 35 s after it started: the other half is due 35 s after its last event, 34 s from now.
  assert.equal(jobReply(inProgress, inProgress.occurredAt + 1_000, undefined).progress?.etaMs, 34_000);
});

test('lag: end minus committed per partition; uncommitted partitions from their first offset', () => {
  const ends = [
    { partition: 0, low: '0', high: '10' },
    { partition: 1, low: '5', high: '8' },
    { partition: 2, low: '0', high: '4' },
  ];
  const committed = [
    { topic: 't', partition: 0, offset: '7' },
    { topic: 't', partition: 1, offset: '-1' },
    { topic: 'other', partition: 2, offset: '4' },
  ];
  assert.deepEqual(lagOf('t', ends, committed), { topic: 't', lag: 3 + 3 + 4, partitions: 3 });
});

test('workers summary and the revoked event', () => {
  const worker = {
    workerId: 'w',
    stage: 'noop' as const,
    host: 'h',
    pid: 1,
    startedAt: 0,
    heartbeatAt: 0,
    concurrency: 4,
    ownConcurrency: 4,
    rateLimitPerSecond: 10,
    paused: true,
    running: [{ jobId: 'j', attempt: 1, startedAt: 0, progress: null }],
    processed: null,
    loadAverage: null,
    rssBytes: null,
  };
  assert.deepEqual(summarizeWorkers([worker, { ...worker, paused: false, running: [] }]), {
    count: 2,
    inFlight: 1,
    concurrency: 8,
    rateLimitPerSecond: 10,
    paused: false,
  });
  assert.equal(summarizeWorkers([]).paused, null);
  const event = revokedEvent({ ...running, state: 'PENDING' }, 'why', 3_000);
  assert.equal(event.state, 'REVOKED');
  assert.equal(event.sequence, 3_000_000);
  assert.equal(event.error?.code, 'SEDANO_ERR_JOB_REVOKED');
  // Waiting for its retry: the next attempt is refused, never started, so the view shows no run.
  const retrying = revokedEvent({ ...running, state: 'RETRY', attempt: 1, startedAt: 1_000 }, 'why', 3_000);
  assert.deepEqual([retrying.attempt, retrying.startedAt, retrying.finishedAt], [2, null, 3_000]);
});

test("a revoke's reason says who revoked the job, then why, redacted and cut", () => {
  assert.equal(revokeReason('ops', undefined), 'revoked by ops');
  assert.equal(revokeReason('ops', '  '), 'revoked by ops');
  assert.equal(revokeReason('ops', 'duplicate upload'), 'revoked by ops: duplicate upload');
  assert.equal(
    revokeReason('ops', 'wrong file https://anna:pw@host/a.pdf?X-Amz-Signature=abc'),
    'revoked by ops: wrong file https://[REDACTED]@host/a.pdf?X-Amz-Signature=[REDACTED]',
  );
  assert.equal(revokeReason('ops', 'x'.repeat(SHOWN_TEXT_MAX_CHARS)).length, SHOWN_TEXT_MAX_CHARS);
});
