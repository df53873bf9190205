import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../../services/lib/errors.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test("every error code is documented in the README's error table with its meaning", () => {
  const rows = new Map(
    [...readme.matchAll(/^\|\s*`(SEDANO_ERR_[A-Z_]+)`\s*\|\s*(.*?)\s*\|$/gm)].map((row) => [row[1], row[2]]),
  );
  for (const [code, meaning] of Object.entries(ERROR_CODES)) {
    assert.equal(rows.get(code), meaning, `${code} is in README.md's error table with its meaning`);
  }
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort(), 'no undocumented or stale row');
});
