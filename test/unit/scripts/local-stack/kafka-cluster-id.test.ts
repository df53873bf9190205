import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newClusterId } from '../../../../scripts/local-stack/kafka.ts';

test("a new Kafka cluster id is 16 bytes in URL-safe base64 and never starts with '-' (StorageTool would read it as an option)", () => {
  // One random id in 64 starts with '-'; among 10,000 the old generator made about 156.
  const ids = Array.from({ length: 10_000 }, newClusterId);
  for (const id of ids) {
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
  }
  assert.equal(new Set(ids).size, ids.length);
});
