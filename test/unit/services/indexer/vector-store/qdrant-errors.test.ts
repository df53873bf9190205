/**
 * How the Qdrant adapter reports failures, through the real client against a local HTTP
 * endpoint that answers as Qdrant does for a missing collection or a bad request. This checks
 * error translation only; Qdrant's behaviour is the conformance suite's (it needs QDRANT_URL).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { isSedanoError, type ErrorCode } from '../../../../../services/lib/errors.ts';
import { createQdrantVectorStore } from '../../../../../services/indexer/vector-store/qdrant.ts';

async function answering(t: TestContext, status: number, error: string): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: { error }, time: 0 }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, retriable: boolean, message: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isSedanoError(error), String(error));
    assert.equal(error.code, code);
    assert.equal(error.retriable, retriable);
    assert.match(error.message, message);
    return true;
  });
}

test('a 404 is a missing collection', async (t) => {
  const store = createQdrantVectorStore({ url: await answering(t, 404, "Not found: Collection `c` doesn't exist!") });
  await rejectsWith(store.documentHash('c', 'doc'), 'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND', false, /no collection c/);
});

test("a 400 is refused input, with Qdrant's reason", async (t) => {
  const store = createQdrantVectorStore({ url: await answering(t, 400, 'Wrong input: bad filter') });
  await rejectsWith(store.info('c'), 'SEDANO_ERR_VECTOR_INVALID_INPUT', false, /Wrong input: bad filter/);
});

test('a 503 or no answer at all is an outage, tried again later', async (t) => {
  const store = createQdrantVectorStore({ url: await answering(t, 503, 'overloaded') });
  await rejectsWith(store.info('c'), 'SEDANO_ERR_VECTOR_STORE_UNAVAILABLE', true, /overloaded/);
  const closed = createQdrantVectorStore({ url: 'http://127.0.0.1:9' });
  await rejectsWith(closed.info('c'), 'SEDANO_ERR_VECTOR_STORE_UNAVAILABLE', true, /Qdrant/);
});
