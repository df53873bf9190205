/**
 * A schema registry that asks for credentials (Confluent Cloud's API key and secret): sedano takes
 * them in `SCHEMA_REGISTRY_URL` (`http://key:secret@host/...`) and sends them as HTTP Basic
 * authorization on every call, the client's and its own REST calls alike. The local registry
 * (Apicurio) asks for none, so the test puts a proxy in front of it that refuses any call
 * without the right Basic header and forwards the rest to the real registry.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import {
  createSchemaRegistry,
  deleteSubject,
  getSubjectCompatibility,
  registerAvroSchema,
} from '../../../../services/lib/schema-registry.ts';
import { noopTopics, runOneNoopJob, startNoopWorkerProcess } from '../../../support/noop-worker-process.ts';
import { endpoints, kafkaClient, namespaceOfItsOwn, onCleanup, uniqueName } from '../../../support/resources.ts';

const USER = 'registry-key';
const PASSWORD = 'registry-secret-9f3a';

/**
 * The real registry behind a proxy that answers 401 to a call without `Basic USER:PASSWORD`;
 * `url` is the registry's base URL through the proxy, without credentials.
 */
async function registryAskingForCredentials(t: TestContext) {
  const target = new URL(endpoints().schemaRegistryUrl);
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const seen = { authorized: 0, refused: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.headers.authorization !== expected) {
        seen.refused += 1;
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error_code: 40101, message: 'Unauthorized' }));
        return;
      }
      seen.authorized += 1;
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks);
      const headers =
        request.headers['content-type'] === undefined ? {} : { 'content-type': request.headers['content-type'] };
      fetch(`${target.origin}${request.url}`, { method: request.method!, headers, ...(body ? { body } : {}) }).then(
        async (answer) => {
          response.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          response.end(Buffer.from(await answer.arrayBuffer()));
        },
        (error: unknown) => {
          response.writeHead(502);
          response.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(t, () => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${target.pathname}`, seen };
}

/** `url` with credentials in it, as `SCHEMA_REGISTRY_URL` carries them. */
function withCredentials(url: string, user: string, password: string): string {
  return url.replace('http://', `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@`);
}

const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'AuthProbe',
  namespace: 'sedano.test',
  fields: [{ name: 'n', type: 'int' }],
});

test("the registry client and sedano's own registry calls send the URL's credentials", async (t) => {
  const registry = await registryAskingForCredentials(t);
  const url = withCredentials(registry.url, USER, PASSWORD);
  const subject = uniqueName('auth-probe');
  onCleanup(t, () => deleteSubject(url, subject));
  const id = await registerAvroSchema(createSchemaRegistry(url), subject, SCHEMA);
  assert.ok(id > 0);
  assert.equal(await getSubjectCompatibility(url, subject), 'BACKWARD');
  assert.equal(registry.seen.refused, 0);
  assert.ok(registry.seen.authorized >= 2);
});

test('a wrong password is refused, and the error shows no password', async (t) => {
  const registry = await registryAskingForCredentials(t);
  const wrong = 'wrong-secret-4c1d';
  const url = withCredentials(registry.url, USER, wrong);
  const error = await registerAvroSchema(
    createSchemaRegistry(url, { retries: 0 }),
    uniqueName('auth-probe'),
    SCHEMA,
  ).then(
    () => assert.fail('registered with a wrong password'),
    (failure: unknown) => failure as Error,
  );
  assert.match(error.message, /Unauthorized|401/);
  assert.ok(!`${error.message}\n${error.stack}`.includes(wrong));
  assert.ok(registry.seen.refused >= 1 && registry.seen.authorized === 0);
});

test('a worker process whose SCHEMA_REGISTRY_URL carries credentials runs a job', async (t) => {
  const registry = await registryAskingForCredentials(t);
  const { names } = await namespaceOfItsOwn(t, uniqueName('registry-auth-ns'), noopTopics);
  const worker = await startNoopWorkerProcess(t, {
    SEDANO_NAMESPACE: names.namespace,
    SCHEMA_REGISTRY_URL: withCredentials(registry.url, USER, PASSWORD),
  });
  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  await runOneNoopJob(worker, producer, names);
  assert.equal(await worker.stop(), 0);
  assert.ok(registry.seen.authorized > 0, 'the worker read schemas through the proxy');
  assert.equal(registry.seen.refused, 0);
  assert.ok(!worker.output.join('\n').includes(PASSWORD), 'the password is never logged');
});
