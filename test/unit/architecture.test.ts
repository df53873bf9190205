/**
 * The house rules of the repository's structure, read from the sources with TypeScript's own
 * import scanner (`ts.preProcessFile`, which sees type-only imports too, unlike eslint's
 * import/no-cycle): no import cycles at all, topology/ depends on nothing in services/, shared
 * code never imports a service, a service reaches another only through that service's port,
 * and only main.ts files read the environment.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['schemas', 'topology', 'services', 'scripts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Each source file and the repository files it imports (values and types alike). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const local = importedFiles
      .map(({ fileName }) => fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(ROOT, resolve(ROOT, dirname(file), name)));
    graph.set(file, local);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    indexOf.set(file, index);
    low.set(file, index);
    index += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!indexOf.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, indexOf.get(next)!));
      }
    }
    if (low.get(file) === indexOf.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!indexOf.has(file)) visit(file);
  return found;
}

const graph = importGraph();
const edges = [...graph].flatMap(([from, tos]) => tos.map((to) => ({ from, to })));

test('no import cycles, type-only imports included', () => {
  assert.deepEqual(cycles(graph), []);
});

test('topology/ is pure: it imports nothing from services/ or scripts/', () => {
  const upward = edges.filter(({ from, to }) => from.startsWith('topology/') && !/^(topology|schemas)\//.test(to));
  assert.deepEqual(upward, []);
});

test('shared code (services/lib) never imports a service', () => {
  const upward = edges.filter(
    ({ from, to }) => from.startsWith('services/lib/') && to.startsWith('services/') && !to.startsWith('services/lib/'),
  );
  assert.deepEqual(upward, []);
});

test("a service reaches another only through that service's ports (the indexer's search, document, store and embedding access, the scheduler's schedule control, the exporter's storage, the trainer's model catalog)", () => {
  const ports = new Set([
    'services/indexer/search.ts',
    'services/indexer/document-access.ts',
    'services/indexer/store-access.ts',
    'services/indexer/embedding-access.ts',
    'services/trainer/model-catalog.ts',
    'services/scheduler/schedule-control.ts',
    'services/exporter/storage/export-storage.ts',
    'services/exporter/export-access.ts',
  ]);
  const service = (file: string) => /^services\/([^/]+)\//.exec(file)?.[1];
  const across = edges.filter(({ from, to }) => {
    const [a, b] = [service(from), service(to)];
    return a !== undefined && b !== undefined && a !== b && b !== 'lib' && !ports.has(to);
  });
  assert.deepEqual(across, []);
});

test('only main.ts files read process.env under services/', () => {
  const readers = sourceFiles('services').filter(
    (file) =>
      !file.endsWith('/main.ts') && /process\.env\b/.test(stripComments(readFileSync(join(ROOT, file), 'utf8'))),
  );
  assert.deepEqual(readers, []);
});

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}
