/**
 * The registry dropping connections (a reset instead of an answer, as Apicurio did once under a
 * loaded CI run) does not fail a registration or a compatibility change: a TCP relay in front of
 * the real registry resets every other connection before it answers.
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
 * A relay to the registry that resets every other connection once its first request arrives.
 * Clients keep connections alive, so each client meets one reset: its first connection.
 */
async function resettingRelay(t: TestContext, registryUrl: string): Promise<{ url: string; resets: () => number }> {
  const target = new URL(registryUrl);
  let connections = 0;
  let resets = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    connections += 1;
    if (connections % 2 === 1) {
      client.once('data', () => {
        resets += 1;
        client.resetAndDestroy();
      });
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
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
  return { url: `http://127.0.0.1:${port}${target.pathname}`, resets: () => resets };
}

const schema = (name: string) => JSON.stringify({ type: 'record', name, namespace: 'sedano.test', fields: [] });

test('registering a schema and setting a compatibility level survive connections the registry resets', async (t) => {
  const relay = await resettingRelay(t, endpoints().schemaRegistryUrl);
  const subject = uniqueName('test-registry-retry');
  deleteSubjectAfter(t, subject);

  const id = await registerAvroSchema(createSchemaRegistry(relay.url), subject, schema('Retried'), 'FULL');
  assert.ok(id > 0);
  await setSubjectCompatibility(relay.url, subject, 'BACKWARD');
  assert.equal(await getSubjectCompatibility(relay.url, subject), 'BACKWARD');
  assert.ok(relay.resets() >= 2, `the relay reset ${relay.resets()} connection(s)`);
});
