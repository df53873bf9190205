/**
 * The TypeScript modules a stage's worker threads run, stripped of their types once, in the
 * main thread, and handed to every thread as JavaScript. Node strips a `.ts` file's types with
 * a WebAssembly build of its TypeScript parser, instantiated once per isolate: every worker
 * thread that loads TypeScript itself holds one more (about 6-12 MiB of resident memory each,
 * measured with 4 indexing threads). A thread's boot script (`THREAD_BOOT`) installs a module
 * load hook that serves the prepared JavaScript; a module not prepared (an import this scan
 * did not see) is still loaded, and stripped, by Node as before.
 */
import { readFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';

/** A relative `.ts` specifier of a static import, a re-export or a dynamic import with a literal. */
const RELATIVE_TS_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"\n]+?\.ts)\1/g;

/**
 * The JavaScript of every `.ts` module reachable from `entries` by relative specifiers, by
 * file URL. Type-only imports are gone once stripped, so they are not followed. A file that
 * cannot be read or stripped is left out: the thread's own loader then reports it as it would.
 */
export function strippedModuleGraph(entries: readonly URL[]): Record<string, string> {
  const sources: Record<string, string> = {};
  const pending = entries.map((entry) => entry.href);
  for (let href = pending.pop(); href !== undefined; href = pending.pop()) {
    if (Object.hasOwn(sources, href) || !href.startsWith('file:') || !href.endsWith('.ts')) continue;
    const javascript = stripped(href);
    if (javascript === undefined) continue;
    sources[href] = javascript;
    for (const match of javascript.matchAll(RELATIVE_TS_SPECIFIER)) pending.push(new URL(match[2]!, href).href);
  }
  return sources;
}

function stripped(href: string): string | undefined {
  let source: string;
  try {
    source = readFileSync(new URL(href), 'utf8');
  } catch {
    return undefined;
  }
  // Node warns once that stripTypeScriptTypes is experimental; the same stripping (the same
  // parser, whitespace in place of types, so stack positions hold) runs for every `.ts` import.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- only put back, never called apart
  const emitWarning = process.emitWarning;
  process.emitWarning = () => undefined;
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * A worker thread's boot script (CommonJS, run with `eval: true`): serves the prepared modules
 * (`workerData.sources`) through a synchronous load hook, then imports `workerData.threadMain`.
 */
export const THREAD_BOOT = `
const { workerData } = require('node:worker_threads');
const sources = workerData.sources;
require('node:module').registerHooks({
  load(url, context, nextLoad) {
    const source = Object.hasOwn(sources, url) ? sources[url] : undefined;
    return source === undefined ? nextLoad(url, context) : { format: 'module', source, shortCircuit: true };
  },
});
import(workerData.threadMain).catch((error) => {
  process.nextTick(() => { throw error; });
});
`;
