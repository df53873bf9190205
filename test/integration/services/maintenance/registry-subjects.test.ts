/**
 * The backup's read of the registry's subjects (registry-subjects.ts) against the real registry:
 * a subject's own compatibility level is kept, and a registry that fails the read of a level
 * fails the backup rather than record the subject as having none. (Apicurio answers a subject
 * without a level of its own with the registry's default; Confluent's registry answers 404.)
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import {
  createSchemaRegistry,
  registerAvroSchema,
  setSubjectCompatibility,
} from '../../../../services/lib/schema-registry.ts';
import { registrySubjects } from '../../../../services/maintenance/tasks/registry-subjects.ts';
import { deleteSubjectAfter, endpoints, uniqueName } from '../../../support/resources.ts';

const schema = (name: string) => JSON.stringify({ type: 'record', name, namespace: 'sedano.test', fields: [] });

/** An HTTP relay to the registry that refuses every read of a compatibility level (403). */
async function refusingConfigReads(t: TestContext, registryUrl: string): Promise<string> {
  const target = new URL(registryUrl);
  const relay = createServer((request, response) => {
    if (request.url?.includes('/config/')) {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end('{"error_code":40301,"message":"not allowed"}');
      return;
    }
    void fetch(`${target.origin}${request.url ?? '/'}`).then(async (answer) => {
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    relay.closeAllConnections();
    return new Promise<void>((resolve) => relay.close(() => resolve()));
  });
  const { port } = relay.address() as AddressInfo;
  return `http://127.0.0.1:${port}${target.pathname}`;
}

test("a subject's own compatibility level is listed with its latest schema", async (t) => {
  const prefix = uniqueName('test-registry-subjects');
  const subject = `${prefix}-own`;
  deleteSubjectAfter(t, subject);
  await registerAvroSchema(createSchemaRegistry(endpoints().schemaRegistryUrl), subject, schema('Own'), 'FULL');
  await setSubjectCompatibility(endpoints().schemaRegistryUrl, subject, 'FULL_TRANSITIVE');

  const listed = await registrySubjects(endpoints().schemaRegistryUrl).list(prefix);
  assert.deepEqual(
    listed.map(({ subject: name, version, compatibility }) => ({ subject: name, version, compatibility })),
    [{ subject, version: 1, compatibility: 'FULL_TRANSITIVE' }],
  );
  assert.match(listed[0]?.schema ?? '', /"name":"Own"/);
});

test('a registry that refuses the read of a level fails the listing, rather than list no level', async (t) => {
  const prefix = uniqueName('test-registry-subjects');
  const subject = `${prefix}-refused`;
  deleteSubjectAfter(t, subject);
  await registerAvroSchema(createSchemaRegistry(endpoints().schemaRegistryUrl), subject, schema('Refused'), 'FULL');

  const relayed = registrySubjects(await refusingConfigReads(t, endpoints().schemaRegistryUrl));
  await assert.rejects(relayed.list(prefix), /SEDANO_ERR_REGISTRY_UNAVAILABLE|403/);
});
