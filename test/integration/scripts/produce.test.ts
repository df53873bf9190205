import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const script = new URL('../../../scripts/produce.ts', import.meta.url).pathname;

function produce(...args: string[]) {
  return execFileAsync(process.execPath, [script, ...args], { timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

test('npm run produce submits a job and prints its id', async () => {
  const { code, stdout } = await produce('noop', '--payload', '{"sleepMs": 5}', '--priority', 'LOW');
  assert.equal(code, 0);
  assert.match(stdout.trim(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('an invalid payload or stage exits 2 with the reason, naming the field', async () => {
  const invalid = await produce('noop', '--payload', '{"failureRate": "often"}');
  assert.equal(invalid.code, 2);
  assert.match(
    invalid.stderr,
    /SEDANO_ERR_CODEC_INVALID_RECORD: invalid sedano.NoopRequest: failureRate: expected double/,
  );
  const unknown = await produce('cooking');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown stage "cooking"/);
  const notJson = await produce('noop', '--payload', '{sleep');
  assert.equal(notJson.code, 2);
  assert.match(notJson.stderr, /the payload is not JSON/);
});
