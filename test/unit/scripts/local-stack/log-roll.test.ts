import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { rollLog } from '../../../../scripts/local-stack/log-roll.ts';

function logIn(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-log-roll-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'service.log');
}

test('a log under its size, or none at all, is left as it is', (t) => {
  const file = logIn(t);
  assert.equal(rollLog(file, { maxBytes: 10, keep: 2 }), 0);
  writeFileSync(file, 'short\n');
  assert.equal(rollLog(file, { maxBytes: 10, keep: 2 }), 0);
  assert.equal(readFileSync(file, 'utf8'), 'short\n');
  assert.equal(existsSync(`${file}.1`), false);
});

test('a log at its size moves to .1, older parts move up, and the oldest beyond keep goes', (t) => {
  const file = logIn(t);
  const policy = { maxBytes: 8, keep: 2 };
  for (const text of ['first!!\n', 'second!\n', 'third!!\n']) {
    writeFileSync(file, text, { flag: 'a' });
    assert.equal(rollLog(file, policy), Buffer.byteLength(text));
  }
  assert.equal(readFileSync(file, 'utf8'), '');
  assert.equal(readFileSync(`${file}.1`, 'utf8'), 'third!!\n');
  assert.equal(readFileSync(`${file}.2`, 'utf8'), 'second!\n');
  assert.equal(existsSync(`${file}.3`), false);
});

test('the writer keeps its file: after the roll its lines start the log again, with no gap before them', (t) => {
  const file = logIn(t);
  // As processes.ts's startDetached opens a service's output: appending.
  const writer = openSync(file, 'a');
  t.after(() => closeSync(writer));
  writeSync(writer, 'before the roll\n');
  assert.equal(rollLog(file, { maxBytes: 1, keep: 1 }), 16);
  writeSync(writer, 'after the roll\n');
  assert.equal(readFileSync(file, 'utf8'), 'after the roll\n');
  assert.equal(readFileSync(`${file}.1`, 'utf8'), 'before the roll\n');
});
