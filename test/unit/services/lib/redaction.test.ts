import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isCredentialName,
  redactHeaders,
  REDACTED,
  redactingSerializers,
  mapStrings,
  redactText,
  redactUrl,
} from '../../../../services/lib/redaction.ts';

test('redact: the admin token written to the log from a query string is replaced, other parameters kept', () => {
  assert.equal(redactUrl('/v1/jobs?access_token=s3cret&limit=5'), '/v1/jobs?access_token=[REDACTED]&limit=5');
  assert.equal(redactUrl('/v1/jobs?limit=5&Token=s3cret'), '/v1/jobs?limit=5&Token=[REDACTED]');
  assert.equal(redactUrl('/x?authorization=Bearer%20s3cret#f'), '/x?authorization=[REDACTED]#f');
  assert.equal(redactUrl('/x?access%5Ftoken=s3cret'), '/x?access%5Ftoken=[REDACTED]');
  assert.equal(redactUrl('/x?api-key=s3cret&state=PENDING'), '/x?api-key=[REDACTED]&state=PENDING');
  assert.equal(redactUrl('/v1/jobs/abc'), '/v1/jobs/abc');
});

test('redact: headers and free text lose their credentials', () => {
  assert.deepEqual(redactHeaders({ Authorization: 'Bearer s3cret', cookie: 'a=b', accept: '*/*' }), {
    Authorization: '[REDACTED]',
    cookie: '[REDACTED]',
    accept: '*/*',
  });
  const text = redactText('GET /v1/jobs?token=s3cret failed; header Bearer s3cret2, Basic dXNlcjpwYXNz');
  assert.doesNotMatch(text, /s3cret|dXNlcjpwYXNz/);
  const serialized = redactingSerializers.err(new Error('fetch /x?access_token=s3cret: Bearer s3cret'));
  assert.doesNotMatch(JSON.stringify(serialized), /s3cret/);
  assert.deepEqual(redactingSerializers.req({ method: 'GET', url: '/a?token=s3cret', ip: '::1' }), {
    method: 'GET',
    url: '/a?token=[REDACTED]',
    remoteAddress: '::1',
    remotePort: undefined,
  });
});

// Regression: a worker given a wrong Redis password logged ioredis's refused AUTH with its arguments.
test("redact: a Redis command's password, on an error or one inside it, leaves the original as it was", () => {
  const refusedAuth = () =>
    Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), {
      command: { name: 'auth', args: ['sedano-local', 'p4ssw0rd'] },
    });
  const direct = refusedAuth();
  const hello = Object.assign(new Error('NOPERM'), {
    command: { name: 'HELLO', args: ['3', 'AUTH', 'u', 'p4ssw0rd'] },
  });
  const wrapped = Object.assign(new Error('the worker could not start'), { originalError: refusedAuth() });
  for (const error of [direct, hello, wrapped]) {
    const serialized = JSON.stringify(redactingSerializers.err(error));
    assert.doesNotMatch(serialized, /p4ssw0rd/, serialized);
    assert.match(serialized, /"args":"\[REDACTED\]"/, serialized);
  }
  assert.deepEqual(direct.command.args, ['sedano-local', 'p4ssw0rd'], 'the error itself is not changed');
  const get = Object.assign(new Error('WRONGTYPE'), { command: { name: 'get', args: ['sedano:job:1'] } });
  assert.match(JSON.stringify(redactingSerializers.err(get)), /sedano:job:1/, "another command's arguments stay");
});

test('redact: credential names by word or whole name; a URL user and password in free text', () => {
  for (const name of [
    'access_token',
    'accesstoken',
    'X-Amz-Signature',
    'dbPassword',
    'DB_PASSWORD',
    'api-key',
    'api.key',
    'apikey',
    'AccountKey',
    'key',
    'sig',
    'pwd',
    'Cookie',
    'sshPrivateKey',
    'client_secret',
  ]) {
    assert.ok(isCredentialName(name), name);
  }
  for (const name of [
    'keywords',
    'monkey',
    'signed',
    'author',
    'maxTokens',
    'tokenizer',
    'idempotencyKey',
    'passage',
  ]) {
    assert.ok(!isCredentialName(name), name);
  }
  assert.equal(
    redactText('connect redis://:s3cret@redis:6379 and https://anna:pw@host/x failed'),
    'connect redis://[REDACTED]@redis:6379 and https://[REDACTED]@host/x failed',
  );
  assert.equal(redactText('https://host/a@b and anna@example.com'), 'https://host/a@b and anna@example.com');
});

test('redact: a name keeps its verdict when judged again, after thousands of other names, and when long', () => {
  // isCredentialName remembers its verdicts by name, at most 4,096 at a time, names of 64 characters at most.
  for (let round = 0; round < 2; round += 1) {
    for (let i = 0; i < 5_000; i += 1) {
      assert.equal(isCredentialName(`field${i}`), false);
      assert.equal(isCredentialName(`field${i}Password`), true);
    }
    assert.equal(isCredentialName('apiKey'), true);
    assert.equal(isCredentialName('idempotencyKey'), false);
  }
  const long = `${'x'.repeat(70)}_token`;
  assert.equal(isCredentialName(long), true);
  assert.equal(isCredentialName(long), true);
  assert.equal(isCredentialName(`${'x'.repeat(70)}_tokenizer`), false);
});

test('redact: every string through arrays and objects, other values and the original untouched', () => {
  const progress = {
    current: 1,
    total: 2,
    message: 'reading https://anna:s3cret@docs.example/a.pdf',
    details: {
      'sedano.AnalysisProgress': { currentDocument: 'a.pdf?token=t0k', sectionsDone: null, tags: ['x?sig=1'] },
    },
  };
  assert.deepEqual(mapStrings(progress, redactText), {
    current: 1,
    total: 2,
    message: 'reading https://[REDACTED]@docs.example/a.pdf',
    details: {
      'sedano.AnalysisProgress': {
        currentDocument: `a.pdf?token=${REDACTED}`,
        sectionsDone: null,
        tags: [`x?sig=${REDACTED}`],
      },
    },
  });
  assert.equal(progress.message, 'reading https://anna:s3cret@docs.example/a.pdf');
  assert.equal(mapStrings(null, redactText), null);
});

// Was: `\b` before a URL's scheme made a long run of `a.a.a.…` quadratic (80 kB took 4 s), and
// a handler's PROGRESS message or error is redacted before it is cut.
test('redact: a long text without a URL is read in linear time', { timeout: 10_000 }, () => {
  const text = 'a.'.repeat(500_000);
  assert.equal(redactText(text), text);
  assert.equal(redactText(`x https://u:p@h/ ${text}`).startsWith('x https://[REDACTED]@h/ '), true);
});

test('redactUrl: credentials sent percent-encoded in a path or a value are found once decoded', () => {
  assert.equal(
    redactUrl('/v1/exports/https%3A%2F%2Fuser%3As3cret%40host%2Fa.pdf'),
    '/v1/exports/https://[REDACTED]@host/a.pdf',
  );
  assert.equal(redactUrl('/v1/jobs/Bearer%20s3cret-token'), '/v1/jobs/Bearer [REDACTED]');
  assert.equal(
    redactUrl('/v1/jobs?next=https%3A%2F%2Fu%3As3cret%40h&token=t0k'),
    '/v1/jobs?next=https://[REDACTED]@h&token=[REDACTED]',
  );
  // Without credentials, or with a malformed escape, the URL stays as sent (parameters redacted).
  assert.equal(redactUrl('/v1/jobs/a%20b?state=PENDING'), '/v1/jobs/a%20b?state=PENDING');
  assert.equal(redactUrl('/v1/jobs/%zz?token=t0k'), '/v1/jobs/%zz?token=[REDACTED]');
});
