import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, type TestContext } from 'node:test';
import { isSedanoError } from '../../../../../services/lib/errors.ts';
import { resolveDocument } from '../../../../../services/indexer/documents/resolve.ts';
import { tempDir } from './fixtures.ts';

/** Two roots and a secret outside both, with a symlink inside that leads to it. */
function layout(t: TestContext) {
  const base = tempDir(t);
  const docs = join(base, 'docs');
  const more = join(base, 'more');
  mkdirSync(join(docs, 'reports'), { recursive: true });
  mkdirSync(more);
  writeFileSync(join(docs, 'reports', 'q3.txt'), 'quarter');
  writeFileSync(join(more, 'only-here.txt'), 'more');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  symlinkSync(join(base, 'secret.txt'), join(docs, 'escape.txt'));
  symlinkSync(base, join(docs, 'escape-dir'));
  symlinkSync(join(docs, 'reports', 'q3.txt'), join(docs, 'inside-link.txt'));
  return { base, docs, more, roots: [docs, more] };
}

function fails(code: string) {
  return (error: unknown): boolean => {
    assert.ok(isSedanoError(error), `a SedanoError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.retriable, false);
    return true;
  };
}

const ref = (uri: string, documentId: string | null = null) => ({ uri, documentId });

test('a relative path resolves in the first root that has it; the id is the path relative to that root', async (t) => {
  const { docs, more, roots } = layout(t);
  assert.deepEqual(await resolveDocument(ref('reports/q3.txt'), roots), {
    documentId: 'reports/q3.txt',
    source: 'reports/q3.txt',
    path: join(docs, 'reports', 'q3.txt'),
    root: docs,
  });
  const second = await resolveDocument(ref('only-here.txt'), roots);
  assert.equal(second.root, more);
  assert.equal((await resolveDocument(ref('./reports/../reports/q3.txt'), roots)).documentId, 'reports/q3.txt');
  assert.equal((await resolveDocument(ref('reports/q3.txt', 'my-id'), roots)).documentId, 'my-id');
});

test('absolute paths and file: URIs inside a root resolve; a symlink that stays inside is followed', async (t) => {
  const { docs, roots } = layout(t);
  const target = join(docs, 'reports', 'q3.txt');
  assert.equal((await resolveDocument(ref(target), roots)).path, target);
  const fromUri = await resolveDocument(ref(pathToFileURL(target).href), roots);
  assert.deepEqual([fromUri.path, fromUri.documentId], [target, 'reports/q3.txt']);
  const linked = await resolveDocument(ref('inside-link.txt'), roots);
  assert.deepEqual([linked.path, linked.documentId], [target, 'inside-link.txt']);
});

test('".." that climbs out of the root is a path traversal, as a path or a file: URI', async (t) => {
  const { docs, roots } = layout(t);
  await assert.rejects(resolveDocument(ref('../secret.txt'), roots), fails('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL'));
  await assert.rejects(
    resolveDocument(ref('reports/../../secret.txt'), roots),
    fails('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL'),
  );
  await assert.rejects(
    resolveDocument(ref(`${docs}/../secret.txt`), roots),
    fails('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL'),
  );
  await assert.rejects(
    resolveDocument(ref(`file://${docs}/../secret.txt`), roots),
    fails('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL'),
  );
  await assert.rejects(
    resolveDocument(ref(`file://${docs}/%2e%2e/secret.txt`), roots),
    fails('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL'),
  );
});

test('an absolute path or file: URI elsewhere is outside the roots', async (t) => {
  const { base, roots } = layout(t);
  await assert.rejects(
    resolveDocument(ref(join(base, 'secret.txt')), roots),
    fails('SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT'),
  );
  await assert.rejects(resolveDocument(ref('/etc/passwd'), roots), fails('SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT'));
  await assert.rejects(resolveDocument(ref('file:///etc/passwd'), roots), fails('SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT'));
  // A sibling whose name starts with the root's name is not inside it.
  await assert.rejects(
    resolveDocument(ref(`${roots[0]}-other/x.txt`), roots),
    fails('SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT'),
  );
});

test('a symlink inside a root that leads outside is a symlink escape (file or directory)', async (t) => {
  const { roots } = layout(t);
  await assert.rejects(resolveDocument(ref('escape.txt'), roots), fails('SEDANO_ERR_DOCUMENT_SYMLINK_ESCAPE'));
  await assert.rejects(
    resolveDocument(ref('escape-dir/secret.txt'), roots),
    fails('SEDANO_ERR_DOCUMENT_SYMLINK_ESCAPE'),
  );
});

test('missing files, directories and remote schemes fail with their own codes', async (t) => {
  const { roots } = layout(t);
  await assert.rejects(resolveDocument(ref('nope.txt'), roots), fails('SEDANO_ERR_DOCUMENT_NOT_FOUND'));
  await assert.rejects(resolveDocument(ref('reports'), roots), fails('SEDANO_ERR_DOCUMENT_NOT_FOUND'));
  await assert.rejects(resolveDocument(ref(''), roots), fails('SEDANO_ERR_DOCUMENT_NOT_FOUND'));
  for (const uri of ['https://example.com/a.pdf', 'http://example.com/a.pdf', 's3://bucket/a.pdf']) {
    await assert.rejects(
      resolveDocument(ref(uri), roots),
      (error: Error) => fails('SEDANO_ERR_DOCUMENT_UNSUPPORTED')(error) && /unsupported scheme/.test(error.message),
    );
  }
});

test('roots must be given and absolute', async () => {
  await assert.rejects(resolveDocument(ref('a.txt'), []), RangeError);
  await assert.rejects(resolveDocument(ref('a.txt'), ['relative/root']), RangeError);
});

test('raw system errors leak into results no more: a 5,000-character URI is a document code with no server path', async (t) => {
  const { base, roots } = layout(t);
  const leaksNoPath = (code: string) => (error: unknown) => {
    fails(code)(error);
    const { message } = error as Error;
    assert.ok(!message.includes(base), `no server path in: ${message.slice(0, 300)}`);
    assert.doesNotMatch(message, /lstat|realpath|ENAMETOOLONG:/);
    assert.ok(message.length < 500, `a readable message (${message.length} characters)`);
    return true;
  };
  await assert.rejects(resolveDocument(ref('a'.repeat(5_000)), roots), leaksNoPath('SEDANO_ERR_DOCUMENT_UNREADABLE'));
  await assert.rejects(
    resolveDocument(ref(`reports/${'b'.repeat(300)}/q3.txt`), roots),
    leaksNoPath('SEDANO_ERR_DOCUMENT_UNREADABLE'),
  );
  await assert.rejects(resolveDocument(ref('nope.txt'), roots), leaksNoPath('SEDANO_ERR_DOCUMENT_NOT_FOUND'));
  await assert.rejects(resolveDocument(ref('escape.txt'), roots), leaksNoPath('SEDANO_ERR_DOCUMENT_SYMLINK_ESCAPE'));
  await assert.rejects(resolveDocument(ref('/etc/hostname'), roots), leaksNoPath('SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT'));
  await assert.rejects(resolveDocument(ref('../secret.txt'), roots), leaksNoPath('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL'));
});
