import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeDocumentsRequestSample, noopRequestSample } from '../../schemas/samples.ts';
import { createHandler as createAnalysisHandler } from '../../../../services/analyzer/handler.ts';
import { DEFAULT_SPLITTER_OPTIONS } from '../../../../services/indexer/chunking/splitter.ts';
import { createHandler } from '../../../../services/indexer/handler.ts';
import { assertCollectionName } from '../../../../services/indexer/vector-store/chunk-checks.ts';
import { isSedanoError } from '../../../../services/lib/errors.ts';
import {
  COLLECTION_NAME_PATTERN,
  DEFAULT_CHUNK_SIZE,
  requestRuleViolations,
} from '../../../../services/lib/request-rules.ts';
import type { JobContext } from '../../../../services/lib/runtime/stage.ts';
import { noopHandler } from '../../../../services/noop/noop-handler.ts';

const paths = (violations: { path: string }[]) => violations.map((violation) => violation.path);

test('semantic validation: the rules the contract cannot say, with the path of each field', () => {
  assert.deepEqual(paths(requestRuleViolations('noop', { sleepMs: -1, cpuSpinMs: 0, failureRate: 0 })), [
    '/payload/sleepMs',
  ]);
  assert.deepEqual(paths(requestRuleViolations('noop', { failureRate: 2 })), ['/payload/failureRate']);
  assert.deepEqual(paths(requestRuleViolations('noop', { failureRate: -0.1 })), ['/payload/failureRate']);
  assert.deepEqual(paths(requestRuleViolations('noop', { sleepMs: 0, failureRate: 1 })), []);
  const policy = { maxAttempts: -1, initialBackoffMs: null, maxBackoffMs: null, backoffMultiplier: null };
  assert.deepEqual(paths(requestRuleViolations('noop', {}, { retryPolicy: policy })), ['/retryPolicy/maxAttempts']);
  assert.deepEqual(
    paths(
      requestRuleViolations(
        'noop',
        {},
        { retryPolicy: { ...policy, maxAttempts: 1, initialBackoffMs: 10, maxBackoffMs: 5 } },
      ),
    ),
    ['/retryPolicy/maxBackoffMs'],
  );
  // A backoff beyond 30 days would outlive the job's revocation and its delay tier.
  const month = 30 * 86_400_000;
  const overAMonth = { ...policy, maxAttempts: 2, initialBackoffMs: month + 1, maxBackoffMs: month + 1 };
  const longViolations = requestRuleViolations('noop', {}, { retryPolicy: overAMonth });
  assert.deepEqual(paths(longViolations), ['/retryPolicy/initialBackoffMs', '/retryPolicy/maxBackoffMs']);
  assert.match(longViolations[1]?.message ?? '', /at most 2592000000, got 2592000001/);
  const aMonth = { ...overAMonth, initialBackoffMs: month, maxBackoffMs: month };
  assert.deepEqual(requestRuleViolations('noop', {}, { retryPolicy: aMonth }), []);
  for (const [payload, expected] of [
    [{ chunkSize: 0 }, ['/payload/chunkSize']],
    [{ chunkSize: -1 }, ['/payload/chunkSize']],
    [{ chunkSize: 100, chunkOverlap: 100 }, ['/payload/chunkOverlap']],
    [{ chunkOverlap: DEFAULT_CHUNK_SIZE }, ['/payload/chunkOverlap']],
    [{ chunkOverlap: -1 }, ['/payload/chunkOverlap']],
    [{ collection: '../x' }, ['/payload/collection']],
    [{ collection: 'docs_v2', chunkSize: 100, chunkOverlap: 99 }, []],
  ] as const) {
    assert.deepEqual(paths(requestRuleViolations('indexing', payload)), expected, JSON.stringify(payload));
  }
  // Indexing names at least one document; an analysis names its documents by id, by reference or
  // both, and with neither there is nothing to analyse.
  const reference = { uri: 'a.pdf', documentId: null, contentType: null, metadata: {} };
  assert.deepEqual(paths(requestRuleViolations('indexing', { collection: 'docs', documents: [] })), [
    '/payload/documents',
  ]);
  assert.deepEqual(paths(requestRuleViolations('indexing', { collection: 'docs', documents: [reference] })), []);
  assert.deepEqual(paths(requestRuleViolations('analysis', { documentIds: [], documents: [] })), [
    '/payload/documents',
  ]);
  assert.deepEqual(paths(requestRuleViolations('analysis', {})), ['/payload/documents']);
  assert.deepEqual(paths(requestRuleViolations('analysis', { documentIds: ['a.pdf'], documents: [] })), []);
  assert.deepEqual(paths(requestRuleViolations('analysis', { documentIds: [], documents: [reference] })), []);
});

test('semantic validation: the rules agree with the splitter and the vector stores', () => {
  assert.equal(DEFAULT_CHUNK_SIZE, DEFAULT_SPLITTER_OPTIONS.chunkSize);
  for (const name of ['docs', 'a', 'A-1_b', '-x', 'x.y', 'x y', '', 'x'.repeat(128), 'x'.repeat(129), 'é']) {
    let storeAccepts = true;
    try {
      assertCollectionName(name);
    } catch {
      storeAccepts = false;
    }
    assert.equal(COLLECTION_NAME_PATTERN.test(name), storeAccepts, JSON.stringify(name));
  }
});

function context<R>(job: R): JobContext<R> {
  return {
    job,
    jobId: 'j',
    attempt: 1,
    signal: new AbortController().signal,
    logger: undefined as never,
    progress: () => {},
  };
}

async function rejectsInvalid(run: () => Promise<unknown>, label: string): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(isSedanoError(error), label);
    assert.equal(error.code, 'SEDANO_ERR_JOB_INVALID_REQUEST', label);
    assert.equal(error.retriable, false, label);
    return true;
  });
}

test('semantic validation in the worker: a record straight from Kafka fails at once with the same code', async () => {
  const noop = noopHandler(() => 1);
  await rejectsInvalid(() => noop(context({ ...noopRequestSample, sleepMs: -1 })), 'noop sleepMs -1');
  await rejectsInvalid(() => noop(context({ ...noopRequestSample, failureRate: 2 })), 'noop failureRate 2');
  const header = { ...noopRequestSample.header, jobType: 'INDEX_DOCUMENTS' as const };
  const indexing = { header, collection: 'c', documents: [], chunkSize: 0, chunkOverlap: null };
  // Refused before the handler builds anything (no vector store, no embedder: its settings are never read).
  const indexingHandler = createHandler(undefined as never, undefined as never);
  await rejectsInvalid(() => indexingHandler(context(indexing)), 'indexing chunkSize 0');
  const analysis = { ...analyzeDocumentsRequestSample, documentIds: [], documents: [] };
  // Refused before the handler builds anything (its settings are never read).
  await rejectsInvalid(() => createAnalysisHandler(undefined as never)(context(analysis)), 'analysis of no document');
});
