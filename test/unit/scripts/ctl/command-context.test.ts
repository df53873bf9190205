import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invocationDir } from '../../../../scripts/ctl/command-context.ts';

test("the user's directory: npm's INIT_CWD (`npm run` moves to the package root), else the process's", () => {
  assert.equal(invocationDir({ INIT_CWD: '/home/me/reports' }), '/home/me/reports');
  assert.equal(invocationDir({}), process.cwd());
});
