/**
 * sedano on a secured Kafka listener: the local stack's broker serves SASL PLAIN over TLS beside
 * its plaintext listener (scripts/local-stack/kafka.ts), as managed clusters do. A real noop
 * worker process given only the `KAFKA_*` settings runs a job a client submitted over that
 * listener; a wrong password and an untrusted certificate are refused with errors that say so;
 * a service whose SASL settings do not fit together exits 2 naming them. No password shows in any
 * error or log line.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOCAL_ENDPOINTS, resolveEndpoints } from '../../../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../../../services/lib/kafka.ts';
import { kafkaConnection } from '../../../../services/lib/kafka-connection.ts';
import { securedListener } from '../../../../scripts/local-stack/kafka.ts';
import { stateDir } from '../../../../scripts/local-stack/paths.ts';
import {
  noopTopics,
  noopWorkerUntilItStops,
  runOneNoopJob,
  startNoopWorkerProcess,
} from '../../../support/noop-worker-process.ts';
import { namespaceOfItsOwn, onCleanup, uniqueName } from '../../../support/resources.ts';

// The secured listener is the local stack's: a suite pointed at another cluster has none to try.
const listener =
  resolveEndpoints(process.env).kafkaBrokers.join(',') === LOCAL_ENDPOINTS.kafkaBrokers.join(',')
    ? securedListener()
    : undefined;
const skip =
  listener === undefined &&
  "no secured listener: it is the local stack's, and KAFKA_BROKERS names another cluster or the stack never ran in this clone";

/** The settings that reach the secured listener, as a deployment would give them. */
function securedEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: listener!.brokers.join(','),
    KAFKA_SASL_MECHANISM: 'plain',
    KAFKA_SASL_USERNAME: listener!.username,
    KAFKA_SASL_PASSWORD: listener!.password,
    KAFKA_TLS_CA_FILE: listener!.caFile,
    ...overrides,
  };
}

test('a worker given SASL PLAIN over TLS runs a job a client submitted over it', { skip }, async (t) => {
  const { names } = await namespaceOfItsOwn(t, uniqueName('secured-ns'), noopTopics);
  const worker = await startNoopWorkerProcess(t, { ...securedEnv(), SEDANO_NAMESPACE: names.namespace });
  const producer = await createKafkaClient({
    ...kafkaConnection(securedEnv()),
    clientId: uniqueName('secured-client'),
    log: () => {},
  }).producer();
  onCleanup(t, () => producer.close());
  await runOneNoopJob(worker, producer, names);
  assert.equal(await worker.stop(), 0);
  assert.ok(worker.output.length > 0);
  assert.ok(!worker.output.join('\n').includes(listener!.password), 'the password is never logged');
});

test("the local stack keeps the secured listener's secrets for their owner only", { skip }, () => {
  const kafkaState = join(stateDir(), 'kafka');
  for (const file of ['server.properties', 'secured-listener.json', 'tls/secrets.json', 'tls/broker.p12']) {
    assert.equal((statSync(join(kafkaState, file)).mode & 0o777).toString(8), '600', file);
  }
});

test('a wrong password is refused as an authentication failure that shows no password', { skip }, async () => {
  const wrong = 'not-the-password-1234';
  const logged: string[] = [];
  const kafka = createKafkaClient({
    ...kafkaConnection(securedEnv({ KAFKA_SASL_PASSWORD: wrong })),
    clientId: uniqueName('secured-wrong'),
    log: (level, message, extra) => logged.push(`${level} ${message} ${JSON.stringify(extra)}`),
  });
  const error = await kafka.admin().then(
    () => assert.fail('connected with a wrong password'),
    (failure: unknown) => failure as Error,
  );
  assert.match(error.message, /SASL PLAIN authentication failed/);
  for (const text of [error.message, String(error.stack), ...logged]) {
    assert.ok(!text.includes(wrong) && !text.includes(listener!.password), text);
  }
});

const noScram =
  skip ||
  (listener?.scram === undefined &&
    'the local broker has no SCRAM user: its storage was formatted before there was one (a new clone has it)');

test(
  'SCRAM-SHA-256 and SCRAM-SHA-512 users reach the broker; a wrong SCRAM password is refused',
  { skip: noScram },
  async () => {
    const { username, password } = listener!.scram!;
    for (const mechanism of ['scram-sha-256', 'scram-sha-512']) {
      const admin = await createKafkaClient({
        ...kafkaConnection(
          securedEnv({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password }),
        ),
        clientId: uniqueName(`secured-${mechanism}`),
        log: () => {},
      }).admin();
      try {
        assert.ok((await admin.listTopics()).length > 0, mechanism);
      } finally {
        await admin.close();
      }
    }
    const wrong = 'not-the-scram-password-1234';
    const error = await createKafkaClient({
      ...kafkaConnection(
        securedEnv({
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SASL_USERNAME: username,
          KAFKA_SASL_PASSWORD: wrong,
        }),
      ),
      clientId: uniqueName('secured-scram-wrong'),
      log: () => {},
    })
      .admin()
      .then(
        () => assert.fail('connected with a wrong SCRAM password'),
        (failure: unknown) => failure as Error,
      );
    assert.match(error.message, /SASL SCRAM SHA512 authentication failed/);
    assert.ok(!`${error.message}${String(error.stack)}`.includes(wrong), error.message);
  },
);

test("without the broker's certificate authority, TLS refuses its certificate", { skip }, async () => {
  const env = securedEnv({ KAFKA_TLS: 'true' });
  delete env['KAFKA_TLS_CA_FILE'];
  const kafka = createKafkaClient({ ...kafkaConnection(env), clientId: uniqueName('secured-no-ca'), log: () => {} });
  await assert.rejects(kafka.admin(), /self-signed certificate/);
});

test('a service whose SASL settings do not fit together exits 2 naming them, its password not shown', async (t) => {
  const password = 'given-but-no-mechanism-5678';
  const { code, output } = await noopWorkerUntilItStops(t, {
    KAFKA_SASL_USERNAME: 'someone',
    KAFKA_SASL_PASSWORD: password,
  });
  assert.equal(code, 2, output);
  assert.match(output, /KAFKA_SASL_MECHANISM: expected one of plain, scram-sha-256, scram-sha-512/);
  assert.ok(!output.includes(password), output);
});
