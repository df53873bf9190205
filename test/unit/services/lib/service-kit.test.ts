/**
 * How a service stops through the service kit: on bad configuration every problem printed
 * (variable, expected, given), exit code 2, before it connects to anything; on an error nothing
 * caught, logged as JSON, closed in order, exit code 1.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

function run(
  path: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function runService(main: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return run(new URL(`../../../../services/${main}`, import.meta.url).pathname, [], env);
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

for (const [how, message, what] of [
  ['exception', 'a callback threw', 'uncaught exception'],
  ['rejection', 'a promise nobody awaited failed', 'unhandled rejection'],
] as const) {
  test(`an ${what} is logged as JSON with its error, closes the service in order and exits 1`, async () => {
    const { code, stdout, stderr } = await run(new URL('./crashing-service.ts', import.meta.url).pathname, [how], {
      // Valid settings; the service connects to none of them.
      KAFKA_BROKERS: '127.0.0.1:9',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9',
      REDIS_URL: 'redis://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    assert.equal(code, 1, stdout + stderr);
    const lines = stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } });
    const fatal = lines.find((line) => line.msg === `${what}: the service exits`);
    assert.equal(fatal?.level, 60, stdout);
    assert.equal(fatal?.err?.message, message);
    // Closed like a signal closes it: every step, then the last line.
    assert.ok(
      lines.some((line) => line.msg === 'the close step ran'),
      stdout,
    );
    assert.equal(lines.at(-1)?.msg, 'stopped');
    // Said once, as JSON: Node did not print its own report.
    assert.doesNotMatch(stderr, new RegExp(message), stderr);
  });
}
