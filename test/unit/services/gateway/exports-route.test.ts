import assert from 'node:assert/strict';
import { test } from 'node:test';
import { etagMatches, exportedFile } from '../../../../services/gateway/routes/exports.ts';
import type { JobView } from '../../../../services/lib/status-view.ts';

const jobId = '0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';

function view(overrides: Partial<JobView>): JobView {
  return {
    jobId,
    jobType: 'EXPORT_REPORT',
    stage: 'EXPORT',
    state: 'SUCCESS',
    sequence: 3,
    attempt: 1,
    progress: null,
    result: {
      kind: 'sedano.ExportResult',
      fileUri: `file:///exports/${jobId}.pdf`,
      sizeBytes: 1234,
      sha256: 'ab'.repeat(32),
      pages: 3,
      template: 'DEFAULT',
      fileName: `${jobId}.pdf`,
      contentType: 'application/pdf',
      language: 'it',
      createdAt: 1,
    },
    error: null,
    submittedAt: 0,
    startedAt: 0,
    finishedAt: 1,
    nextAttemptAt: null,
    occurredAt: 1,
    updatedAt: 1,
    batchId: null,
    parentJobId: null,
    workerId: null,
    traceId: null,
    expiresAt: null,
    payloadPreview: null,
    ...overrides,
  };
}

test('a succeeded export job names its file, checksum and size', () => {
  assert.deepEqual(exportedFile(view({})), { fileName: `${jobId}.pdf`, sha256: 'ab'.repeat(32), sizeBytes: 1234 });
});

test('an export job that has not succeeded, or a job of another stage, is a 404', () => {
  for (const state of ['PENDING', 'STARTED', 'PROGRESS', 'RETRY', 'FAILURE', 'REVOKED'] as const) {
    assert.throws(
      () => exportedFile(view({ state, result: null })),
      (error: { status?: number; code?: string; message?: string }) =>
        error.status === 404 && error.code === 'SEDANO_ERR_API_NOT_FOUND' && error.message!.includes(state),
    );
  }
  assert.throws(
    () => exportedFile(view({ stage: 'NOOP' })),
    (error: { status?: number; message?: string }) =>
      error.status === 404 && /is a noop job, not an export job/.test(error.message ?? ''),
  );
});

test('If-None-Match matches the ETag, in a list, weak, or as *', () => {
  const etag = `"${'ab'.repeat(32)}"`;
  assert.ok(etagMatches(etag, etag));
  assert.ok(etagMatches(`"x", W/${etag}`, etag));
  assert.ok(etagMatches('*', etag));
  assert.ok(!etagMatches('"other"', etag));
  assert.ok(!etagMatches(undefined, etag));
});
