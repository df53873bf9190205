import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAYLOAD_PREVIEW_MAX_CHARS, payloadPreview } from '../../../../services/lib/payload-preview.ts';
import { cutText } from '../../../../services/lib/shown-text.ts';
import { indexDocumentsRequestSample } from '../../schemas/samples.ts';

/** The preview of `request`, parsed back. */
function previewed(request: object): Record<string, unknown> {
  const preview = payloadPreview(request);
  assert.equal(typeof preview, 'string');
  return JSON.parse(preview!) as Record<string, unknown>;
}

test('payload preview: the request without its header and job id, as JSON', () => {
  const { header: _header, ...payload } = indexDocumentsRequestSample;
  assert.deepEqual(previewed(indexDocumentsRequestSample), JSON.parse(JSON.stringify(payload)));
  assert.equal(
    payloadPreview({ jobId: 'j', task: 'CLEANUP_CACHE', slotTime: 1 }),
    '{"task":"CLEANUP_CACHE","slotTime":1}',
  );
});

test('payload preview: credential fields, URL users and credential query parameters are redacted', () => {
  const request = {
    header: {},
    source: { dbPassword: 's3cret1', apiKey: 's3cret2', 'X-Api-Key': 's3cret3', user: 'anna', key: 's3cret4' },
    documents: [
      'https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Credential=AKIA%2Fs3cret5&X-Amz-Signature=s3cret6&X-Amz-Expires=300',
      'https://acct.blob.core.windows.net/c/b.docx?sv=2022-11-02&sig=s3cret7',
      'postgres://anna:s3cret8@db:5432/rag',
    ],
  };
  assert.doesNotMatch(payloadPreview(request) ?? '', /s3cret/);
  const shown = previewed(request);
  assert.deepEqual(shown['source'], {
    dbPassword: '[REDACTED]',
    apiKey: '[REDACTED]',
    'X-Api-Key': '[REDACTED]',
    user: 'anna',
    key: '[REDACTED]',
  });
  assert.deepEqual(shown['documents'], [
    'https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]&X-Amz-Expires=300',
    'https://acct.blob.core.windows.net/c/b.docx?sv=2022-11-02&sig=[REDACTED]',
    'postgres://[REDACTED]@db:5432/rag',
  ]);
});

test('payload preview: JSON in a string, name-value pairs, connection strings and fragments are redacted too', () => {
  const request = {
    header: {},
    // A document's metadata is a map of strings: nested settings travel as JSON text.
    metadata: { cfg: '{"apiKey":"s3cret1","region":"eu"}', env: '[{"name":"DB_PASSWORD","value":"s3cret2"}]' },
    headers: [
      { name: 'Authorization', value: 's3cret3' },
      { key: 'Accept', value: 'application/pdf' },
    ],
    connection: 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=s3cret4;EndpointSuffix=core.windows.net',
    callback: 'https://app.example/cb#access_token=s3cret5&state=xyz',
    dsn: 'host=db user=anna password=s3cret6 dbname=rag',
  };
  assert.doesNotMatch(payloadPreview(request) ?? '', /s3cret/);
  const shown = previewed(request);
  assert.deepEqual(shown['metadata'], {
    cfg: '{"apiKey":"[REDACTED]","region":"eu"}',
    env: '[{"name":"DB_PASSWORD","value":"[REDACTED]"}]',
  });
  assert.deepEqual(shown['headers'], [
    { name: 'Authorization', value: '[REDACTED]' },
    { key: '[REDACTED]', value: 'application/pdf' },
  ]);
  assert.match(String(shown['connection']), /AccountName=acct;AccountKey=\[REDACTED\];EndpointSuffix=/);
  assert.equal(shown['callback'], 'https://app.example/cb#access_token=[REDACTED]&state=xyz');
  assert.equal(shown['dsn'], 'host=db user=anna password=[REDACTED] dbname=rag');
});

test('payload preview: names that only contain a credential word stay shown; a missing credential stays null', () => {
  const shown = previewed({ maxTokens: 512, tokenizer: 'words', idempotencyKey: 'k1', monkey: 1, token: null });
  assert.deepEqual(shown, { maxTokens: 512, tokenizer: 'words', idempotencyKey: 'k1', monkey: 1, token: null });
});

test('payload preview: a long payload is cut at the limit, ending in an ellipsis', () => {
  const documents = Array.from({ length: 500 }, (_, i) => ({ documentId: `doc-${i}`, uri: `file:///docs/${i}.pdf` }));
  const preview = payloadPreview({ header: {}, documents }) ?? '';
  assert.equal(preview.length, PAYLOAD_PREVIEW_MAX_CHARS);
  assert.ok(preview.startsWith('{"documents":[{"documentId":"doc-0"'));
  assert.ok(preview.endsWith('…'));
  // A list longer than the preview's characters shows the same as its first items: the rest is never read.
  const numbers = Array.from({ length: 100_000 }, (_, i) => i % 10);
  assert.equal(payloadPreview({ numbers }), payloadPreview({ numbers: numbers.slice(0, PAYLOAD_PREVIEW_MAX_CHARS) }));
});

test('payload preview: null, not a thrown error, for what JSON cannot hold', () => {
  assert.equal(payloadPreview({ size: 10n }), null);
});

test('cutText: short text whole; never between the two halves of a surrogate pair', () => {
  assert.equal(cutText('abc', 3), 'abc');
  assert.equal(cutText('abcd', 3), 'ab…');
  // '😀' is two UTF-16 units: cutting after its first would leave half a character.
  assert.equal(cutText('a😀bc', 3), 'a…');
  assert.equal(cutText('ab😀c', 4), 'ab…');
});
