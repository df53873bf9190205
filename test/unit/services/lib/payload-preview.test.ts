import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutText, PAYLOAD_PREVIEW_MAX_CHARS, payloadPreview } from '../../../../services/lib/payload-preview.ts';
import { indexDocumentsRequestSample } from '../../schemas/samples.ts';

test('payload preview: the request without its header and job id, as JSON', () => {
  const preview = payloadPreview(indexDocumentsRequestSample);
  const { header: _header, ...payload } = indexDocumentsRequestSample;
  assert.deepEqual(JSON.parse(preview), JSON.parse(JSON.stringify(payload)));
  assert.equal(
    payloadPreview({ jobId: 'j', task: 'CLEANUP_CACHE', slotTime: 1 }),
    '{"task":"CLEANUP_CACHE","slotTime":1}',
  );
});

test('payload preview: credential fields, URL users and credential query parameters are redacted', () => {
  const preview = payloadPreview({
    header: {},
    source: { dbPassword: 's3cret1', apiKey: 's3cret2', 'X-Api-Key': 's3cret3', user: 'anna', key: 's3cret4' },
    documents: [
      'https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Credential=AKIA%2Fs3cret5&X-Amz-Signature=s3cret6&X-Amz-Expires=300',
      'https://acct.blob.core.windows.net/c/b.docx?sv=2022-11-02&sig=s3cret7',
      'postgres://anna:s3cret8@db:5432/rag',
    ],
    // An array's items are not named: a list of tokens is not redacted by its indexes.
    tags: ['0', '1'],
  });
  assert.doesNotMatch(preview, /s3cret/);
  const parsed = JSON.parse(preview) as {
    source: Record<string, string>;
    documents: string[];
    tags: string[];
  };
  assert.deepEqual(parsed.source, {
    dbPassword: '[REDACTED]',
    apiKey: '[REDACTED]',
    'X-Api-Key': '[REDACTED]',
    user: 'anna',
    key: '[REDACTED]',
  });
  assert.deepEqual(parsed.documents, [
    'https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]&X-Amz-Expires=300',
    'https://acct.blob.core.windows.net/c/b.docx?sv=2022-11-02&sig=[REDACTED]',
    'postgres://[REDACTED]@db:5432/rag',
  ]);
  assert.deepEqual(parsed.tags, ['0', '1']);
});

test('payload preview: a long payload is cut at the limit, ending in an ellipsis', () => {
  const documents = Array.from({ length: 500 }, (_, i) => ({ documentId: `doc-${i}`, uri: `file:///docs/${i}.pdf` }));
  const preview = payloadPreview({ header: {}, documents });
  assert.equal(preview.length, PAYLOAD_PREVIEW_MAX_CHARS);
  assert.ok(preview.startsWith('{"documents":[{"documentId":"doc-0"'));
  assert.ok(preview.endsWith('…'));
});

test('cutText: short text whole; never between the two halves of a surrogate pair', () => {
  assert.equal(cutText('abc', 3), 'abc');
  assert.equal(cutText('abcd', 3), 'ab…');
  // '😀' is two UTF-16 units: cutting after its first would leave half a character.
  assert.equal(cutText('a😀bc', 3), 'a…');
  assert.equal(cutText('ab😀c', 4), 'ab…');
});
