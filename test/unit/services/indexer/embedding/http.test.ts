// The http embedder against a real HTTP server started here, speaking the OpenAI embeddings API.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { isSedanoError } from '../../../../../services/lib/errors.ts';
import { createHttpEmbedder, retryAfterMsOf } from '../../../../../services/indexer/embedding/http.ts';

interface Received {
  authorization: string | undefined;
  body: { model: string; input: string[] };
}

type Answer = (received: Received, response: ServerResponse) => void;

/** Starts an embeddings server answering with `answer`; returns its base URL and what it received. */
async function embeddingsServer(t: TestContext, answer: Answer): Promise<{ baseUrl: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let raw = '';
    request.on('data', (part: Buffer) => (raw += part.toString()));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/embeddings') {
        response.writeHead(404).end();
        return;
      }
      const entry = { authorization: request.headers.authorization, body: JSON.parse(raw) as Received['body'] };
      received.push(entry);
      answer(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`, received };
}

/** A vector of `dimension` that encodes the text's length, so order can be checked. */
const vectorFor = (text: string, dimension: number): number[] =>
  Array.from({ length: dimension }, (_, i) => text.length + i / 10);

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const answerEmbeddings =
  (dimension: number, reverse = false): Answer =>
  ({ body }, response) => {
    const data = body.input.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: vectorFor(text, dimension),
    }));
    json(response, 200, { object: 'list', model: body.model, data: reverse ? data.reverse() : data });
  };

function hasCode(code: string, retriable: boolean) {
  return (error: unknown): boolean => {
    assert.ok(isSedanoError(error), `a SedanoError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.retriable, retriable);
    return true;
  };
}

test('posts {model, input} with the bearer key, in batches, and returns vectors in input order', async (t) => {
  const { baseUrl, received } = await embeddingsServer(t, answerEmbeddings(4, true));
  const embedder = createHttpEmbedder({
    baseUrl,
    model: 'text-embedding-3-small',
    dimension: 4,
    apiKey: 'sk-test',
    batchSize: 2,
  });
  assert.equal(embedder.name, 'http-text-embedding-3-small');
  const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
  const vectors = await embedder.embed(texts);
  assert.deepEqual(
    vectors.map((vector) => vector[0]),
    [1, 2, 3, 4, 5],
  );
  assert.ok(vectors.every((vector) => vector instanceof Float32Array && vector.length === 4));
  assert.deepEqual(
    received.map((entry) => entry.body.input),
    [['a', 'bb'], ['ccc', 'dddd'], ['eeeee']],
  );
  assert.ok(
    received.every(
      (entry) => entry.authorization === 'Bearer sk-test' && entry.body.model === 'text-embedding-3-small',
    ),
  );
});

test('vectors of another dimension are refused', async (t) => {
  const { baseUrl } = await embeddingsServer(t, answerEmbeddings(3));
  const embedder = createHttpEmbedder({ baseUrl, model: 'm', dimension: 4 });
  await assert.rejects(embedder.embed(['x']), hasCode('SEDANO_ERR_EMBEDDER_BAD_RESPONSE', false));
});

test('a missing or malformed data field is refused', async (t) => {
  const { baseUrl } = await embeddingsServer(t, (_, response) =>
    json(response, 200, { data: [{ embedding: 'nope' }] }),
  );
  await assert.rejects(
    createHttpEmbedder({ baseUrl, model: 'm', dimension: 4 }).embed(['x']),
    hasCode('SEDANO_ERR_EMBEDDER_BAD_RESPONSE', false),
  );
});

test('429 and 5xx are retriable outages; 4xx is a refusal with the body in the message', async (t) => {
  const statuses = [429, 503, 401];
  const { baseUrl } = await embeddingsServer(t, (_, response) =>
    json(response, statuses.shift() ?? 500, { error: { message: 'invalid api key' } }),
  );
  const embedder = createHttpEmbedder({ baseUrl, model: 'm', dimension: 4 });
  await assert.rejects(embedder.embed(['x']), hasCode('SEDANO_ERR_EMBEDDER_UNAVAILABLE', true));
  await assert.rejects(embedder.embed(['x']), hasCode('SEDANO_ERR_EMBEDDER_UNAVAILABLE', true));
  await assert.rejects(
    embedder.embed(['x']),
    (error: Error) =>
      hasCode('SEDANO_ERR_EMBEDDER_BAD_RESPONSE', false)(error) && /401.*invalid api key/.test(error.message),
  );
});

test("a rate limit's Retry-After becomes the error's retryAfterMs (seconds or an HTTP date)", async (t) => {
  const answers = [
    { status: 429, retryAfter: '7' },
    { status: 503, retryAfter: new Date(Date.now() + 60_000).toUTCString() },
    { status: 429, retryAfter: 'soon' },
  ];
  const { baseUrl } = await embeddingsServer(t, (_, response) => {
    const { status, retryAfter } = answers.shift() ?? { status: 500, retryAfter: '' };
    response.writeHead(status, { 'content-type': 'application/json', 'retry-after': retryAfter }).end('{}');
  });
  const embedder = createHttpEmbedder({ baseUrl, model: 'm', dimension: 4 });
  const retryAfter = async () => {
    const error = await embedder.embed(['x']).then(
      () => assert.fail('the embedder answered'),
      (error: unknown) => error,
    );
    assert.ok(isSedanoError(error) && error.retriable);
    return error.retryAfterMs;
  };
  assert.equal(await retryAfter(), 7_000);
  const fromDate = (await retryAfter()) ?? 0;
  assert.ok(fromDate > 55_000 && fromDate <= 60_000, `${fromDate} ms`);
  assert.equal(await retryAfter(), undefined, 'unreadable: the backoff alone');
});

test('Retry-After is read as delay-seconds or an HTTP date, only when in the future', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  assert.equal(retryAfterMsOf('120', now), 120_000);
  assert.equal(retryAfterMsOf(' 3 ', now), 3_000);
  assert.equal(retryAfterMsOf('Wed, 02 Dec 2026 10:00:30 GMT', now), 30_000);
  assert.equal(retryAfterMsOf('120, 120', now), 120_000, 'two headers joined: the first');
  assert.equal(retryAfterMsOf('Wed, 02 Dec 2026 10:00:30 GMT, Wed, 02 Dec 2026 10:00:30 GMT', now), 30_000);
  for (const unusable of [
    null,
    '',
    '0',
    '-5',
    '1.5',
    'later',
    'Wed, 02 Dec 2026 09:59:00 GMT',
    'Wed, 02 Dec 2026 10:00:30',
    '2026-12-02T10:00:30Z',
    'Wednesday, 02-Dec-26 10:00:30 GMT',
  ]) {
    assert.equal(retryAfterMsOf(unusable, now), undefined, String(unusable));
  }
});

test('an endpoint that does not answer is a retriable outage', async (t) => {
  const { baseUrl } = await embeddingsServer(t, answerEmbeddings(4));
  const closedPort = new URL(baseUrl);
  closedPort.port = '1';
  await assert.rejects(
    createHttpEmbedder({ baseUrl: closedPort.href, model: 'm', dimension: 4 }).embed(['x']),
    hasCode('SEDANO_ERR_EMBEDDER_UNAVAILABLE', true),
  );
});

test('the caller can abort a request in flight', async (t) => {
  const { baseUrl, received } = await embeddingsServer(t, () => {
    // Never answers: the abort must end the request.
  });
  const controller = new AbortController();
  const pending = createHttpEmbedder({ baseUrl, model: 'm', dimension: 4 }).embed(['x'], controller.signal);
  const { waitFor } = await import('../../../../support/wait.ts');
  await waitFor(() => received.length === 1, { description: 'the request reached the server' });
  controller.abort(new Error('job revoked'));
  await assert.rejects(pending, /job revoked/);
});
