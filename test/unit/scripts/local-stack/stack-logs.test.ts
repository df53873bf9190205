import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stackLogFiles } from '../../../../scripts/local-stack/stack.ts';

test("stack logs: each component's console log, then the broker's rolling log; only files that exist", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sedano-stack-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { SEDANO_STATE_DIR: dir };
  const write = (component: string, file: string) => {
    mkdirSync(join(dir, component), { recursive: true });
    writeFileSync(join(dir, component, file), 'a line\n');
  };
  assert.deepEqual(stackLogFiles([], env), []);
  write('kafka', 'kafka.log');
  write('redis', 'redis.log');
  assert.deepEqual(stackLogFiles(['kafka'], env), [join(dir, 'kafka', 'kafka.log')]);
  write('kafka', 'server.log');
  assert.deepEqual(stackLogFiles(['kafka', 'redis'], env), [
    join(dir, 'kafka', 'kafka.log'),
    join(dir, 'kafka', 'server.log'),
    join(dir, 'redis', 'redis.log'),
  ]);
});
