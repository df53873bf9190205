import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { strippedModuleGraph, THREAD_BOOT } from '../../../../../services/lib/runtime/thread-sources.ts';

async function tree(files: Record<string, string>): Promise<{ dir: string; url: (name: string) => URL }> {
  const dir = await mkdtemp(join(tmpdir(), 'sedano-thread-sources-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, url: (name) => pathToFileURL(join(dir, name)) };
}

test('the graph follows static, re-exported and dynamic relative imports, not type-only ones', async (t) => {
  const { dir, url } = await tree({
    'main.ts': [
      "import { a } from './a.ts';",
      "import type { T } from './types.ts';",
      "export { b } from './b.ts';",
      "const c = await import('./c.ts');",
      'export const total: T = a + c.c;',
    ].join('\n'),
    'a.ts': 'export const a: number = 1;',
    'b.ts': 'export const b: string = "b";',
    'c.ts': 'export const c = 2 as number;',
    'types.ts': 'export type T = number;',
  });
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sources = strippedModuleGraph([url('main.ts')]);
  assert.deepEqual(
    Object.keys(sources).sort(),
    ['a.ts', 'b.ts', 'c.ts', 'main.ts'].map((name) => url(name).href).sort(),
  );
  assert.equal(sources[url('a.ts').href], 'export const a         = 1;', 'types become whitespace: positions hold');
});

test('a thread booted with the prepared sources runs them (a missing one is loaded by Node)', async (t) => {
  const { dir, url } = await tree({
    'main.ts': [
      "import { parentPort } from 'node:worker_threads';",
      "import { a } from './a.ts';",
      "const { late } = await import('./late' + '.ts');",
      'parentPort!.postMessage(a + late);',
    ].join('\n'),
    'a.ts': 'export const a: number = 40;',
    'late.ts': 'export const late: number = 2;',
  });
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sources = strippedModuleGraph([url('main.ts')]);
  assert.equal(Object.hasOwn(sources, url('late.ts').href), false);
  const worker = new Worker(THREAD_BOOT, { eval: true, workerData: { sources, threadMain: url('main.ts').href } });
  t.after(() => worker.terminate());
  const answer = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  assert.equal(answer, 42);
});
