/**
 * How a service stops on bad configuration, through the service kit: every problem printed
 * (variable, expected, given), exit code 2, before it connects to anything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

function runService(main: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL(`../../../../services/${main}`, import.meta.url).pathname], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

test('the noop worker with three bad settings prints all three and exits 2', async () => {
  const { code, stderr } = await runService('noop/main.ts', {
    SEDANO_NOOP_CONCURRENCY: 'lots',
    SEDANO_NAMESPACE: 'Prod.East',
    LOG_LEVEL: 'chatty',
  });
  assert.equal(code, 2, stderr);
  assert.match(stderr, /3 problems/);
  assert.match(stderr, /SEDANO_NOOP_CONCURRENCY: expected a whole number from 1 to 256, got "lots"/);
  assert.match(stderr, /SEDANO_NAMESPACE: expected lower-case letters.*got "Prod\.East"/);
  assert.match(stderr, /LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "chatty"/);
});

test('the gateway with three bad settings prints all three, never a token, and exits 2', async () => {
  const { code, stderr } = await runService('gateway/main.ts', {
    SEDANO_GATEWAY_PORT: '70000',
    REDIS_URL: 'not a url',
    SEDANO_API_TOKENS: 'secret-token-value-1',
  });
  assert.equal(code, 2, stderr);
  assert.match(stderr, /3 problems/);
  assert.match(stderr, /SEDANO_GATEWAY_PORT: expected a whole number from 0 to 65535, got "70000"/);
  assert.match(stderr, /REDIS_URL: expected a URL such as http:\/\/host:port, got "not a url"/);
  assert.match(stderr, /SEDANO_API_TOKENS: expected a JSON array .* got \(hidden\)/);
  assert.doesNotMatch(stderr, /secret-token-value-1/);
});
