import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_TABLE } from '../../services/lib/errors.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test("every error code is documented in the README's error table with its status, retriable flag and meaning", () => {
  const rows = new Map(
    [...readme.matchAll(/^\|\s*`(SEDANO_ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*(yes|no)\s*\|\s*(.*?)\s*\|$/gm)].map(
      (row) => [row[1], { status: Number(row[2]), retriable: row[3] === 'yes', message: row[4] }],
    ),
  );
  for (const [code, spec] of Object.entries(ERROR_TABLE)) {
    assert.deepEqual(rows.get(code), { ...spec }, `${code} is in README.md's error table as ERROR_TABLE has it`);
  }
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_TABLE).sort(), 'no undocumented or stale row');
});
