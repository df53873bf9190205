import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCAL_ENDPOINTS } from '../../../../services/lib/endpoints.ts';
import {
  baseSettings,
  defineSettings,
  resolveSettings,
  setting,
  type SettingsCheck,
  SettingsError,
  settingsTableMarkdown,
  settingsTableRows,
} from '../../../../services/lib/settings.ts';

const spec = defineSettings({
  grace: setting.duration('T_GRACE', { description: 'shutdown grace', default: '30s' }),
  interval: setting.duration('T_INTERVAL', {
    description: 'seconds between beats',
    default: '5',
    bareUnit: 's',
    minimumMs: 100,
  }),
  buffer: setting.size('T_BUFFER', { description: 'buffer size', default: '64MiB', minimumBytes: 1024 }),
  workers: setting.integer('T_WORKERS', { description: 'threads', default: 4, minimum: 1, maximum: 64 }),
  verbose: setting.boolean('T_VERBOSE', { description: 'chatty', default: false }),
  mode: setting.oneOf('T_MODE', ['fast', 'safe'], { description: 'mode', default: 'safe' }),
  upstream: setting.url('T_UPSTREAM', { description: 'upstream URL' }),
  roots: setting.list('T_ROOTS', {
    description: 'roots',
    separator: ':',
    itemPattern: '^/',
    itemExpected: 'absolute paths',
  }),
  name: setting.string('T_NAME', { description: 'a name', required: true, pattern: '^[a-z]+$' }),
  password: setting.string('T_PASSWORD', { description: 'a secret', secret: true, pattern: '^\\S{8,}$' }),
});

test('durations like 30s and sizes like 64MiB resolve to milliseconds and bytes', () => {
  const settings = resolveSettings(spec, { T_NAME: 'x', T_GRACE: '1.5m', T_INTERVAL: '250ms', T_BUFFER: '512KiB' });
  assert.equal(settings.grace, 90_000);
  assert.equal(settings.interval, 250);
  assert.equal(settings.buffer, 524_288);
  assert.equal(resolveSettings(spec, { T_NAME: 'x', T_INTERVAL: '2' }).interval, 2_000, 'a bare number is in bareUnit');
  assert.equal(
    resolveSettings(spec, { T_NAME: 'x', T_GRACE: '45000' }).grace,
    45_000,
    'a bare number is ms by default',
  );
});

test('defaults apply when a variable is unset or blank; optional settings without one are undefined', () => {
  const settings = resolveSettings(spec, { T_NAME: 'abc', T_GRACE: '  ', T_UPSTREAM: '' });
  assert.deepEqual(
    { ...settings },
    {
      grace: 30_000,
      interval: 5_000,
      buffer: 67_108_864,
      workers: 4,
      verbose: false,
      mode: 'safe',
      upstream: undefined,
      roots: undefined,
      name: 'abc',
      password: undefined,
    },
  );
  assert.ok(Object.isFrozen(settings));
});

test('given values are trimmed and read by kind', () => {
  const settings = resolveSettings(spec, {
    T_NAME: ' abc ',
    T_WORKERS: '12',
    T_VERBOSE: 'YES',
    T_MODE: 'fast',
    T_UPSTREAM: 'http://example.test:8080/api/',
    T_ROOTS: '/srv/a: /srv/b/ ::',
    T_PASSWORD: 'correct-horse',
  });
  assert.equal(settings.name, 'abc');
  assert.equal(settings.workers, 12);
  assert.equal(settings.verbose, true);
  assert.equal(settings.mode, 'fast');
  assert.equal(settings.upstream, 'http://example.test:8080/api', 'a trailing slash is dropped');
  assert.deepEqual(settings.roots, ['/srv/a', '/srv/b/']);
  assert.equal(settings.password, 'correct-horse');
  for (const [text, value] of [
    ['true', true],
    ['1', true],
    ['no', false],
    ['0', false],
    ['False', false],
  ] as const) {
    assert.equal(resolveSettings(spec, { T_NAME: 'a', T_VERBOSE: text }).verbose, value, text);
  }
});

test('every problem is reported at once, each with its variable, what was expected and what was given', () => {
  assert.throws(
    () =>
      resolveSettings(spec, {
        T_GRACE: 'soon',
        T_INTERVAL: '10ms',
        T_BUFFER: '1TB',
        T_WORKERS: '65',
        T_VERBOSE: 'maybe',
        T_MODE: 'reckless',
        T_UPSTREAM: 'not a url',
        T_ROOTS: 'relative:/ok',
      }),
    (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.equal(error.code, 'SEDANO_ERR_CONFIG_INVALID');
      assert.deepEqual(error.problems, [
        { variable: 'T_GRACE', expected: 'a duration such as 30s, 5m or 1h (a bare number is in ms)', given: '"soon"' },
        {
          variable: 'T_INTERVAL',
          expected: 'a duration such as 30s, 5m or 1h (a bare number is in s) of at least 100 ms',
          given: '"10ms"',
        },
        {
          variable: 'T_BUFFER',
          expected: 'a size such as 512KiB, 64MiB or 1GB of at least 1024 bytes',
          given: '"1TB"',
        },
        { variable: 'T_WORKERS', expected: 'a whole number from 1 to 64', given: '"65"' },
        { variable: 'T_VERBOSE', expected: 'true or false', given: '"maybe"' },
        { variable: 'T_MODE', expected: 'one of fast, safe', given: '"reckless"' },
        { variable: 'T_UPSTREAM', expected: 'a URL such as http://host:port', given: '"not a url"' },
        { variable: 'T_ROOTS', expected: 'one or more absolute paths separated by ":"', given: '"relative:/ok"' },
        { variable: 'T_NAME', expected: 'text matching ^[a-z]+$', given: '(unset)' },
      ]);
      assert.match(error.message, /^invalid configuration \(9 problems\):\n {2}T_GRACE: expected a duration/);
      assert.match(error.message, /\n {2}T_NAME: expected text matching \^\[a-z\]\+\$, got \(unset\)$/);
      return true;
    },
  );
  assert.throws(() => resolveSettings(spec, { T_NAME: 'x', T_BUFFER: '512' }), /1 problem\):\n {2}T_BUFFER/);
});

test("a URL given wrong is repeated without the password in it: REDIS_URL's, SCHEMA_REGISTRY_URL's", () => {
  assert.throws(
    () => resolveSettings(baseSettings, { REDIS_URL: 'redis://:s3cret-pw@redis host:6379' }),
    (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual(error.problems, [
        {
          variable: 'REDIS_URL',
          expected: 'a URL such as http://host:port',
          given: '"redis://[REDACTED]@redis host:6379"',
        },
      ]);
      assert.ok(!error.message.includes('s3cret'), error.message);
      return true;
    },
  );
});

test('a secret is never repeated: its given value shows as (hidden)', () => {
  assert.throws(
    () => resolveSettings(spec, { T_NAME: 'x', T_PASSWORD: 'short' }),
    (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual(error.problems, [
        { variable: 'T_PASSWORD', expected: 'text matching ^\\S{8,}$', given: '(hidden)' },
      ]);
      assert.ok(!error.message.includes('short'), error.message);
      return true;
    },
  );
});

test('the base settings default to the local stack and the sedano namespace', () => {
  const base = resolveSettings(baseSettings, {});
  assert.deepEqual(base.kafkaBrokers, LOCAL_ENDPOINTS.kafkaBrokers);
  assert.equal(base.schemaRegistryUrl, LOCAL_ENDPOINTS.schemaRegistryUrl);
  assert.equal(base.redisUrl, LOCAL_ENDPOINTS.redisUrl);
  assert.equal(base.namespace, 'sedano');
  assert.equal(base.logLevel, 'info');
  assert.equal(base.workerId, undefined, 'the service kit computes it');
  const staging = resolveSettings(baseSettings, { SEDANO_NAMESPACE: 'staging', KAFKA_BROKERS: 'a:9092, b:9093' });
  assert.equal(staging.namespace, 'staging');
  assert.deepEqual(staging.kafkaBrokers, ['a:9092', 'b:9093']);
  assert.throws(
    () => resolveSettings(baseSettings, { SEDANO_NAMESPACE: 'Bad.Name', KAFKA_BROKERS: 'kafka', LOG_LEVEL: 'loud' }),
    (error: SettingsError) =>
      error.problems.map((problem) => problem.variable).join() === 'KAFKA_BROKERS,SEDANO_NAMESPACE,LOG_LEVEL',
  );
});

test('settingsTableMarkdown: each variable once, its default, the services that read it, its meaning', () => {
  const shared = setting.duration('T_SHARED', { description: 'shared by both', default: '1m' });
  const specs = {
    alpha: defineSettings({
      shared,
      token: setting.string('T_TOKEN', { description: 'a token', required: true, secret: true }),
    }),
    beta: defineSettings({
      shared,
      id: setting.string('T_ID', { description: 'an id', defaultShown: '`<host>:<pid>`' }),
      url: setting.url('T_URL', { description: 'optional URL' }),
    }),
  };
  assert.deepEqual(settingsTableRows(specs), [
    ['`T_SHARED`', '`1m`', 'all', 'shared by both'],
    ['`T_TOKEN`', 'required', 'alpha', 'a token'],
    ['`T_ID`', '`<host>:<pid>`', 'beta', 'an id'],
    ['`T_URL`', 'unset', 'beta', 'optional URL'],
  ]);
  assert.equal(
    settingsTableMarkdown(specs),
    [
      '| variable   | default        | services | meaning        |',
      '| ---------- | -------------- | -------- | -------------- |',
      '| `T_SHARED` | `1m`           | all      | shared by both |',
      '| `T_TOKEN`  | required       | alpha    | a token        |',
      '| `T_ID`     | `<host>:<pid>` | beta     | an id          |',
      '| `T_URL`    | unset          | beta     | optional URL   |',
    ].join('\n'),
  );
});

test('a check looks across the settings that resolved; its problems come with the others', () => {
  const pair = defineSettings({
    user: setting.string('T_USER', { description: 'user' }),
    password: setting.string('T_PASSWORD', { description: 'password', secret: true }),
    workers: setting.integer('T_WORKERS', { description: 'threads', default: 4, minimum: 1 }),
  });
  const seen: string[][] = [];
  const check: SettingsCheck<typeof pair> = (settings, failed) => {
    seen.push([...failed].map(String));
    return settings.user !== undefined && settings.password === undefined
      ? [{ variable: 'T_PASSWORD', expected: 'a password when T_USER is set', given: '(unset)' }]
      : [];
  };
  assert.equal(resolveSettings(pair, { T_USER: 'u', T_PASSWORD: 'p' }, check).user, 'u');
  assert.throws(
    () => resolveSettings(pair, { T_USER: 'u', T_WORKERS: 'many' }, check),
    (error: SettingsError) => {
      assert.deepEqual(
        error.problems.map((problem) => problem.variable),
        ['T_WORKERS', 'T_PASSWORD'],
      );
      return true;
    },
  );
  assert.deepEqual(seen, [[], ['workers']], 'the check is told which settings failed on their own');
});

test('a custom setting reads a form of its own; a secret one is hidden when it does not parse', () => {
  const custom = defineSettings({
    pair: setting.custom(
      'T_PAIR',
      {
        expected: 'two numbers separated by x',
        parse: (text) => {
          const match = /^(\d+)x(\d+)$/.exec(text);
          return match === null ? undefined : ([Number(match[1]), Number(match[2])] as const);
        },
      },
      { description: 'a pair', secret: true },
    ),
  });
  assert.deepEqual(resolveSettings(custom, { T_PAIR: '3x4' }).pair, [3, 4]);
  assert.equal(resolveSettings(custom, {}).pair, undefined);
  assert.throws(() => resolveSettings(custom, { T_PAIR: '3 by 4' }), {
    problems: [{ variable: 'T_PAIR', expected: 'two numbers separated by x', given: '(hidden)' }],
  });
});
