import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { keepPrivate, writePrivateFile } from '../../../../scripts/local-stack/private-files.ts';

function fileIn(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-private-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'server.properties');
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

test('a new private file is readable and writable by its owner only', (t) => {
  const file = fileIn(t);
  writePrivateFile(file, 'password=secret\n');
  assert.equal(readFileSync(file, 'utf8'), 'password=secret\n');
  assert.equal(modeOf(file), 0o600);
});

// Regression: a server.properties an earlier version wrote (0644) kept its mode when the
// secured listener's password was written into it.
test('a file an earlier version left readable to all is narrowed when written again', (t) => {
  const file = fileIn(t);
  writeFileSync(file, 'no secret yet\n', { mode: 0o644 });
  assert.equal(modeOf(file), 0o644);
  writePrivateFile(file, 'password=secret\n');
  assert.equal(readFileSync(file, 'utf8'), 'password=secret\n');
  assert.equal(modeOf(file), 0o600);
});

test("a file another program wrote (keytool's key store) is narrowed to its owner", (t) => {
  const file = fileIn(t);
  writeFileSync(file, 'key store', { mode: 0o644 });
  keepPrivate(file);
  assert.equal(modeOf(file), 0o600);
});
