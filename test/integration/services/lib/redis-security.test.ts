/**
 * sedano on a Redis that asks for TLS and a password, as managed Redis services do: the local
 * stack's Redis serves TLS with one user on a second port (scripts/local-stack/redis.ts). A
 * real noop worker process given only a `rediss://user:password@…` REDIS_URL, and the
 * certificate's authority through Node's NODE_EXTRA_CA_CERTS, runs a job with its state in that
 * Redis; a wrong password and an untrusted certificate are refused with errors that say so. No
 * password shows in any error or log line, nor does it when a worker is given a wrong one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { LOCAL_ENDPOINTS, resolveEndpoints } from '../../../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../../../services/lib/kafka.ts';
import { kafkaConnection } from '../../../../services/lib/kafka-connection.ts';
import { securedRedis } from '../../../../scripts/local-stack/redis.ts';
import {
  noopTopics,
  noopWorkerUntilItStops,
  runOneNoopJob,
  startNoopWorkerProcess,
} from '../../../support/noop-worker-process.ts';
import { namespaceOfItsOwn, onCleanup, uniqueName } from '../../../support/resources.ts';

// The TLS port is the local stack's: a suite pointed at another Redis has none to try.
const secured = resolveEndpoints(process.env).redisUrl === LOCAL_ENDPOINTS.redisUrl ? securedRedis() : undefined;
const skip =
  secured === undefined &&
  "no Redis TLS port: it is the local stack's (made with openssl), and REDIS_URL names another Redis or the stack never ran in this clone";

/** The TLS port's URL with a user and password in it, as a deployment gives REDIS_URL. */
function securedUrl(password = secured!.password): string {
  const url = new URL(secured!.url);
  url.username = secured!.username;
  url.password = password;
  return url.toString();
}

/** A client that tries once: its error, or undefined when it connected and answered PING. */
async function connectOnce(url: string, tls: { ca?: Buffer }, logged: string[]): Promise<Error | undefined> {
  const redis = new Redis(url, { tls, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', (error: Error) => logged.push(`${error.message} ${String(error.stack)}`));
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    redis.disconnect();
  }
}

test(
  'a worker given a rediss:// REDIS_URL with a user and password runs a job with its state there',
  { skip },
  async (t) => {
    const { names } = await namespaceOfItsOwn(t, uniqueName('redis-tls-ns'), noopTopics);
    const worker = await startNoopWorkerProcess(t, {
      REDIS_URL: securedUrl(),
      NODE_EXTRA_CA_CERTS: secured!.caFile,
      SEDANO_NAMESPACE: names.namespace,
    });
    const producer = await createKafkaClient({
      ...kafkaConnection(process.env),
      clientId: uniqueName('redis-tls-client'),
      log: () => {},
    }).producer();
    onCleanup(t, () => producer.close());
    await runOneNoopJob(worker, producer, names);
    // Its Redis connections are the TLS port's user's: the plaintext port sees them as such.
    const plain = new Redis(resolveEndpoints(process.env).redisUrl);
    onCleanup(t, () => plain.quit());
    const clients = String(await plain.call('CLIENT', 'LIST'));
    assert.match(
      clients,
      new RegExp(`laddr=127\\.0\\.0\\.1:${new URL(secured!.url).port} .*user=${secured!.username}`),
    );
    assert.equal(await worker.stop(), 0);
    assert.ok(worker.output.length > 0);
    assert.ok(!worker.output.join('\n').includes(secured!.password), 'the password is never logged');
  },
);

test('a wrong Redis password is refused as such, and no password shows', { skip }, async () => {
  const wrong = 'not-the-redis-password-1234';
  const logged: string[] = [];
  const error = await connectOnce(securedUrl(wrong), { ca: readFileSync(secured!.caFile) }, logged);
  assert.ok(error !== undefined, 'connected with a wrong password');
  assert.ok(
    logged.some((line) => line.startsWith('WRONGPASS')),
    logged.join('\n'),
  );
  for (const text of [error.message, String(error.stack), ...logged]) {
    assert.ok(!text.includes(wrong) && !text.includes(secured!.password), text);
  }
});

test("without the certificate's authority, TLS refuses Redis's certificate", { skip }, async () => {
  const logged: string[] = [];
  const error = await connectOnce(securedUrl(), {}, logged);
  assert.ok(error !== undefined, 'connected without the certificate authority');
  assert.ok(
    logged.some((line) => line.includes('self-signed certificate')),
    logged.join('\n'),
  );
});

// Regression: the worker logged ioredis's refused AUTH command with its arguments, the password.
test('a worker given a wrong Redis password stops, saying so, and logs no password', { skip }, async (t) => {
  const wrong = 'wrong-redis-password-5678';
  const { code, output } = await noopWorkerUntilItStops(t, {
    REDIS_URL: securedUrl(wrong),
    NODE_EXTRA_CA_CERTS: secured!.caFile,
    SEDANO_NAMESPACE: uniqueName('redis-wrong-ns'),
    SEDANO_METRICS_PORT: '0',
  });
  assert.equal(code, 1, output);
  assert.match(output, /WRONGPASS/);
  assert.ok(!output.includes(wrong) && !output.includes(secured!.password), output);
});
