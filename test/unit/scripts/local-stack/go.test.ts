// go.ts: the version read from `go version`'s answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goVersionOf } from '../../../../scripts/local-stack/go.ts';

test("go version's answer gives its major and minor", () => {
  assert.deepEqual(goVersionOf('go version go1.26.8 linux/amd64'), [1, 26]);
  assert.deepEqual(goVersionOf('go version go1.24rc1 linux/amd64'), [1, 24]);
  assert.equal(goVersionOf('bash: go: command not found'), undefined);
});
