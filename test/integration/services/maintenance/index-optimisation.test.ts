/** Index optimisation on a real LanceDB data directory: fragments go down, rows stay, the search still answers. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openLanceDbVectorStore } from '../../../../services/indexer/vector-store/lancedb.ts';
import { createIndexOptimisation } from '../../../../services/maintenance/tasks/index-optimisation.ts';
import { lanceDbOptimizerPort } from '../../../../services/maintenance/tasks/index-optimizer-port.ts';
import { onCleanup } from '../../../support/resources.ts';
import { chunk } from './chunks.ts';
import { taskContext } from './task-context.ts';

test(
  'optimisation compacts each collection: fewer fragments, the same rows, reported with counts',
  { timeout: 60_000 },
  async (t) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sedano-optimise-'));
    onCleanup(t, () => rm(dataDir, { recursive: true, force: true }));
    const store = await openLanceDbVectorStore({ dataDir });
    onCleanup(t, () => store.close());
    for (const name of ['alpha', 'beta']) {
      await store.ensureCollection({ name, embedder: 'test', dimension: 3 });
      // One write per document: each adds a fragment.
      for (let doc = 0; doc < 6; doc += 1) {
        await store.replaceDocument(name, `doc-${doc}`, [
          chunk(`doc-${doc}`, 0, [doc, 1, 0]),
          chunk(`doc-${doc}`, 1, [0, doc, 1]),
        ]);
      }
    }
    const port = await lanceDbOptimizerPort(store, dataDir);
    onCleanup(t, () => port.close());
    const before = await port.stats('alpha');
    assert.ok(
      before && before.fragments !== null && before.fragments >= 6,
      `several fragments before (${before?.fragments})`,
    );

    const context = taskContext('OPTIMIZE_INDEX');
    const outcome = await createIndexOptimisation(port)(context);
    assert.equal(outcome.counts['collections'], 2);
    assert.equal(outcome.counts['rows'], 24);
    assert.ok(outcome.counts['fragmentsAfter']! < outcome.counts['fragmentsBefore']!, outcome.summary);
    const after = await port.stats('alpha');
    assert.equal(after?.rows, 12);
    assert.ok(after.fragments! < before.fragments, `fragments ${before.fragments} -> ${after?.fragments}`);
    assert.match(outcome.summary, /alpha: 12 rows, fragments \d+ -> \d+, \d+ ms; beta: 12 rows/);
    assert.deepEqual(context.reported, ['0/2 optimising alpha', '1/2 optimising beta', '2/2 done']);
    const hits = await store.search('alpha', [5, 1, 0], { limit: 1 });
    assert.equal(hits[0]?.chunk.documentId, 'doc-5', 'the search still answers after optimising');
    t.diagnostic(outcome.summary);
  },
);
