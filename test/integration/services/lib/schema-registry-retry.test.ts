/**
 * The registry dropping connections (a reset instead of an answer, as Apicurio did once under a
 * loaded CI run) does not fail a registration or a compatibility change, and a request it takes
 * and never answers is given up after the client's timeout and tried again: TCP relays in front
 * of the real registry reset, or hold unanswered, the first connection.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import {
  createSchemaRegistry,
  getSubjectCompatibility,
  registerAvroSchema,
  setSubjectCompatibility,
} from '../../../../services/lib/schema-registry.ts';
import { deleteSubjectAfter, endpoints, uniqueName } from '../../../support/resources.ts';

/**
 * A relay to the registry that, on every other connection, resets it once its first request
 * arrives (`reset`) or takes that request and never answers (`silent`). Clients keep connections
 * alive, so each client meets one such connection: its first.
 */
async function faultyRelay(
  t: TestContext,
  registryUrl: string,
  fault: 'reset' | 'silent',
): Promise<{ url: string; faults: () => number }> {
  const target = new URL(registryUrl);
  let connections = 0;
  let faults = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    connections += 1;
    if (connections % 2 === 1) {
      client.once('data', () => {
        faults += 1;
        if (fault === 'reset') client.resetAndDestroy();
      });
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => relay.close(resolve));
  });
  const { port } = relay.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${target.pathname}`, faults: () => faults };
}

const schema = (name: string) => JSON.stringify({ type: 'record', name, namespace: 'sedano.test', fields: [] });

test('registering a schema and setting a compatibility level survive connections the registry resets', async (t) => {
  const relay = await faultyRelay(t, endpoints().schemaRegistryUrl, 'reset');
  const subject = uniqueName('test-registry-retry');
  deleteSubjectAfter(t, subject);

  const id = await registerAvroSchema(createSchemaRegistry(relay.url), subject, schema('Retried'), 'FULL');
  assert.ok(id > 0);
  await setSubjectCompatibility(relay.url, subject, 'BACKWARD');
  assert.equal(await getSubjectCompatibility(relay.url, subject), 'BACKWARD');
  assert.ok(relay.faults() >= 2, `the relay reset ${relay.faults()} connection(s)`);
});

test('a registration and a lookup the registry takes and never answers are tried again after the timeout', async (t) => {
  const subject = uniqueName('test-registry-timeout');
  deleteSubjectAfter(t, subject);
  const registering = await faultyRelay(t, endpoints().schemaRegistryUrl, 'silent');
  const id = await registerAvroSchema(
    createSchemaRegistry(registering.url, { requestTimeoutMs: 500 }),
    subject,
    schema('TimedOut'),
    'FULL',
  );
  assert.equal(registering.faults(), 1);

  const looking = await faultyRelay(t, endpoints().schemaRegistryUrl, 'silent');
  const found = await createSchemaRegistry(looking.url, { requestTimeoutMs: 500 }).getSchema(id);
  assert.match(JSON.stringify(found), /TimedOut/);
  assert.equal(looking.faults(), 1);
});

test('a registry that never answers fails the call once the retries are spent', async (t) => {
  const accepted = new Set<Socket>();
  const silent = createServer((socket) => {
    accepted.add(socket);
    socket.on('close', () => accepted.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
  const { port } = silent.address() as AddressInfo;
  const registry = createSchemaRegistry(`http://127.0.0.1:${port}/apis/ccompat/v7`, {
    requestTimeoutMs: 200,
    retries: 1,
  });
  await assert.rejects(registry.getSchema(1), /Timeout \(200ms\)/);
});
