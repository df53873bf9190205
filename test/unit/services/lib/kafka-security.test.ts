import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kafkaConnection } from '../../../../services/lib/kafka-connection.ts';
import { kafkaJsSecurity, kafkaSecurityOf, PLAINTEXT } from '../../../../services/lib/kafka-security.ts';
import { SettingsError } from '../../../../services/lib/settings.ts';

test('no Kafka security setting: plaintext to the local stack, nothing for kafkajs', () => {
  assert.deepEqual(kafkaConnection({}), { brokers: ['127.0.0.1:9092'], security: PLAINTEXT });
  assert.deepEqual(kafkaJsSecurity(PLAINTEXT), {});
});

test('SASL over TLS, as a managed cluster takes it; a CA file implies TLS', () => {
  const connection = kafkaConnection({
    KAFKA_BROKERS: 'broker-1:9092,broker-2:9092',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'svc',
    KAFKA_SASL_PASSWORD: 's3cret',
    KAFKA_TLS: 'true',
  });
  assert.deepEqual(connection, {
    brokers: ['broker-1:9092', 'broker-2:9092'],
    security: { sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 's3cret' }, tls: { caFile: undefined } },
  });
  assert.deepEqual(kafkaJsSecurity(connection.security), {
    ssl: true,
    sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 's3cret' },
  });
  assert.deepEqual(kafkaSecurityOf({ kafkaTls: false, kafkaTlsCaFile: '/ca.pem' }).tls, { caFile: '/ca.pem' });
});

test("the CA file's certificates are what kafkajs trusts; a missing file fails when the client is made", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-ca-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  assert.deepEqual(kafkaJsSecurity({ sasl: undefined, tls: { caFile } }), {
    ssl: { ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] },
  });
  assert.throws(() => kafkaJsSecurity({ sasl: undefined, tls: { caFile: join(dir, 'nope.pem') } }), { code: 'ENOENT' });
});

test('SASL settings that do not fit together are every one named, the password never shown', () => {
  const failure = (env: Record<string, string>) => {
    try {
      kafkaConnection(env);
    } catch (error) {
      assert.ok(error instanceof SettingsError);
      return error;
    }
    return assert.fail('accepted');
  };
  const noCredentials = failure({ KAFKA_SASL_MECHANISM: 'plain' });
  assert.deepEqual(
    noCredentials.problems.map((problem) => problem.variable),
    ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'],
  );
  const noMechanism = failure({ KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'hunter2-secret' });
  assert.deepEqual(
    noMechanism.problems.map((problem) => problem.variable),
    ['KAFKA_SASL_MECHANISM'],
  );
  const badMechanism = failure({
    KAFKA_SASL_MECHANISM: 'gssapi',
    KAFKA_SASL_USERNAME: 'svc',
    KAFKA_SASL_PASSWORD: 'hunter2-secret',
  });
  assert.equal(badMechanism.problems.length, 1, 'a misspelt mechanism is reported once');
  assert.match(
    badMechanism.message,
    /KAFKA_SASL_MECHANISM: expected one of plain, scram-sha-256, scram-sha-512, got "gssapi"/,
  );
  for (const error of [noMechanism, badMechanism]) assert.ok(!error.message.includes('hunter2'), error.message);
  const noCaFile = failure({ KAFKA_TLS_CA_FILE: '/nowhere/ca.pem' });
  assert.deepEqual(noCaFile.problems, [
    { variable: 'KAFKA_TLS_CA_FILE', expected: 'a PEM file that exists', given: '"/nowhere/ca.pem"' },
  ]);
});
