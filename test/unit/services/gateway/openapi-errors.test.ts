/**
 * The error table, the README and the OpenAPI document in step: every route of /docs/json
 * declares its success and its error answers, each error status listing exactly the codes
 * ERROR_TABLE gives that status. The app is built with inert collaborators (nothing is called
 * while the document is generated).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGatewayApp } from '../../../../services/gateway/app.ts';
import { ERROR_TABLE, isErrorCode } from '../../../../services/lib/errors.ts';
import { inertDependencies } from './inert-dependencies.ts';

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: ErrorSchema }> }>;
}
interface ErrorSchema {
  properties?: { error?: { properties?: { code?: { enum?: string[] } } } };
}

async function openApiDocument() {
  const dependencies = inertDependencies('test-openapi', [
    { token: 'a-token-of-the-test-0001', scopes: ['read'], name: 'reader' },
  ]);
  const app = await buildGatewayApp(dependencies);
  await app.ready();
  const document = app.swagger() as { paths: Record<string, Record<string, Operation>> };
  await app.close();
  return document;
}

test('openapi: POST /v1/jobs is documented as 202, not 200', async () => {
  const document = await openApiDocument();
  const responses = document.paths['/v1/jobs']?.['post']?.responses ?? {};
  assert.ok(responses['202'], 'a 202 answer');
  assert.equal(responses['200'], undefined, 'no 200 answer');
});

test('openapi: every route declares its error responses, each status with the codes the table gives it', async () => {
  const document = await openApiDocument();
  let operations = 0;
  for (const [path, methods] of Object.entries(document.paths)) {
    if (path.startsWith('/docs')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      const label = `${method.toUpperCase()} ${path}`;
      const responses = operation.responses ?? {};
      const statuses = Object.keys(responses).map(Number);
      assert.ok(
        statuses.some((status) => status < 300),
        `${label} declares its success (${statuses.join(', ')})`,
      );
      assert.ok(
        statuses.some((status) => status >= 400),
        `${label} declares its errors`,
      );
      for (const [status, response] of Object.entries(responses)) {
        const codes = response.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum;
        if (Number(status) < 400 || codes === undefined) continue;
        for (const code of codes) {
          assert.ok(isErrorCode(code), `${label} ${status}: ${code} is in ERROR_TABLE`);
          assert.equal(ERROR_TABLE[code].status, Number(status), `${label}: ${code} is answered with its table status`);
        }
      }
      const scoped = !['/healthz', '/readyz'].includes(path);
      if (scoped) {
        for (const [status, code] of [
          ['401', 'SEDANO_ERR_API_UNAUTHORIZED'],
          ['403', 'SEDANO_ERR_API_FORBIDDEN'],
        ] as const) {
          const codes =
            responses[status]?.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum;
          assert.ok(codes?.includes(code), `${label} declares ${status} ${code}`);
        }
      }
      operations += 1;
    }
  }
  assert.ok(operations >= 14, `${operations} operations`);
});

test('errors: a RangeError is no longer turned into a 400; a coded error is answered with its table status', async () => {
  const { errorReply } = await import('../../../../services/gateway/errors.ts');
  const { SedanoError } = await import('../../../../services/lib/errors.ts');
  const internal = errorReply(new RangeError('offset out of range'), 'r');
  assert.equal(internal.statusCode, 500);
  assert.equal(internal.body.error.code, 'SEDANO_ERR_API_INTERNAL');
  assert.doesNotMatch(internal.body.error.message, /offset/);
  for (const code of [
    'SEDANO_ERR_API_INVALID_CURSOR',
    'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND',
    'SEDANO_ERR_API_CONFLICT',
  ] as const) {
    const reply = errorReply(new SedanoError(code, 'x'), 'r');
    assert.equal(reply.statusCode, ERROR_TABLE[code].status, code);
    assert.equal(reply.body.error.code, code);
  }
  // A body the client broke off (Node reports ECONNRESET, fastify status 400) is the client's fault.
  const aborted = errorReply(Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 }), 'r');
  assert.equal(aborted.statusCode, 400);
  assert.equal(aborted.serverFault, false);
});
