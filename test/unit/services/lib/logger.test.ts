import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../../../services/lib/logger.ts';

test("a service's logged error loses its credentials, message and stack", () => {
  const lines: string[] = [];
  const logger = createLogger('test', 'info', { write: (line: string) => void lines.push(line) });
  logger.warn({ err: new Error('GET https://anna:s3cret@docs.example/a.pdf?token=s3cret2 failed') }, 'attempt failed');
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0]!, /s3cret/);
  assert.match(lines[0]!, /https:\/\/\[REDACTED\]@docs\.example\/a\.pdf\?token=\[REDACTED\]/);
});
